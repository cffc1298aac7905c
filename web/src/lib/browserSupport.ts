/** Whether this browser can take part in a call, and what to tell people when it cannot. */

export type BrowserSupport = {
  /** Can make peer connections and reach the server: joining is possible at all. */
  canJoin: boolean;
  /** Can use the camera and microphone. */
  canCapture: boolean;
  /** What is missing, or null when everything works. */
  problem: { title: string; body: string } | null;
};

type Env = {
  isSecureContext?: boolean;
  RTCPeerConnection?: unknown;
  WebSocket?: unknown;
  navigator?: { mediaDevices?: { getUserMedia?: unknown } };
};

const UPGRADE = "Use a recent version of Chrome, Edge, Firefox or Safari.";

/** Checks `env` (the window) for what a call needs. */
export function checkBrowserSupport(env: Env = globalThis as Env): BrowserSupport {
  const canJoin = typeof env.RTCPeerConnection === "function" && typeof env.WebSocket === "function";
  const secure = env.isSecureContext !== false;
  const canCapture = secure && typeof env.navigator?.mediaDevices?.getUserMedia === "function";

  if (!canJoin) {
    return {
      canJoin,
      canCapture,
      problem: { title: "This browser can't make video calls", body: UPGRADE },
    };
  }
  if (!secure) {
    return {
      canJoin,
      canCapture,
      problem: {
        title: "Camera and microphone need a secure connection",
        body: "Open this page over https:// (or on localhost) to use your camera and microphone. You can still join to listen and watch.",
      },
    };
  }
  if (!canCapture) {
    return {
      canJoin,
      canCapture,
      problem: {
        title: "This browser can't use your camera or microphone",
        body: `${UPGRADE} You can still join to listen and watch.`,
      },
    };
  }
  return { canJoin, canCapture, problem: null };
}

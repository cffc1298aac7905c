import { describe, expect, it } from "vitest";
import { checkBrowserSupport } from "./browserSupport";

function Ctor() {}
const full = {
  isSecureContext: true,
  RTCPeerConnection: Ctor,
  WebSocket: Ctor,
  navigator: { mediaDevices: { getUserMedia: () => undefined } },
};

describe("checkBrowserSupport", () => {
  it("is happy with a modern browser", () => {
    expect(checkBrowserSupport(full)).toEqual({ canJoin: true, canCapture: true, problem: null });
  });

  it("cannot join without RTCPeerConnection", () => {
    const support = checkBrowserSupport({ ...full, RTCPeerConnection: undefined });
    expect(support.canJoin).toBe(false);
    expect(support.problem?.title).toBe("This browser can't make video calls");
  });

  it("explains insecure contexts", () => {
    const support = checkBrowserSupport({ ...full, isSecureContext: false, navigator: {} });
    expect(support).toMatchObject({ canJoin: true, canCapture: false });
    expect(support.problem?.body).toMatch(/https/);
  });

  it("allows listen-only joining without mediaDevices", () => {
    const support = checkBrowserSupport({ ...full, navigator: {} });
    expect(support).toMatchObject({ canJoin: true, canCapture: false });
    expect(support.problem?.body).toMatch(/listen and watch/);
  });
});

/** Tells this browser's other tabs about sign-ins, refreshed sessions and sign-outs. */

import type { SessionView } from "../api/generated";

export type AuthMessage = { type: "session"; session: SessionView } | { type: "signed-out" };

/** The slice of BroadcastChannel the auth store uses. */
export type AuthChannel = {
  post(message: AuthMessage): void;
  /** Calls `listener` for messages from other tabs; returns the unsubscribe. */
  listen(listener: (message: AuthMessage) => void): () => void;
};

const CHANNEL_NAME = "peershare.auth";

/** A BroadcastChannel between tabs, or null where the browser has none. */
export function browserAuthChannel(): AuthChannel | null {
  if (typeof BroadcastChannel !== "function") return null;
  const channel = new BroadcastChannel(CHANNEL_NAME);
  return {
    post: (message) => channel.postMessage(message),
    listen: (listener) => {
      const onMessage = (event: MessageEvent<unknown>) => {
        if (isAuthMessage(event.data)) listener(event.data);
      };
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}

function isAuthMessage(data: unknown): data is AuthMessage {
  const message = data as Partial<AuthMessage> | null;
  if (message?.type === "signed-out") return true;
  return message?.type === "session" && typeof message.session?.access_token === "string";
}

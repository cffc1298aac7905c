/** What to tell people when the call server reports an error, and what they can do about it. */

import type { ErrorCategory, ErrorCode } from "../protocol/generated";

/** The one thing the error screen offers to do, besides going home. */
export type ErrorAction =
  /** Join the same call again. */
  | "rejoin"
  /** Reload the page (a new client version is needed). */
  | "reload"
  /** Sign in, then come back to the call. */
  | "signin"
  /** Nothing to do in the call; offer a way home. */
  | "home"
  /** Nothing worth showing to a person; log it. */
  | "ignore";

export type CallErrorInfo = {
  /** Short headline, e.g. "This call is full". */
  title: string;
  /** What happened and what to do next, in a sentence or two. */
  suggestion: string;
  action: ErrorAction;
  /** Label of the action's button (empty for `home` and `ignore`). */
  actionLabel: string;
};

const INFO: Record<ErrorCode, CallErrorInfo> = {
  room_full: {
    title: "This call is full",
    suggestion: "Ask the host to start a new call, or try again when someone leaves.",
    action: "rejoin",
    actionLabel: "Try again",
  },
  group_calls_unavailable: {
    title: "Group calls aren't available right now",
    suggestion: "Calls of three or more need a media server, and none could be reached. Try again in a moment.",
    action: "rejoin",
    actionLabel: "Try again",
  },
  unsupported_version: {
    title: "PeerShare has been updated",
    suggestion: "Reload the page to get the latest version, then join again.",
    action: "reload",
    actionLabel: "Reload page",
  },
  join_timeout: {
    title: "Joining took too long",
    suggestion: "Your connection may be slow or unstable. Check it, then reconnect.",
    action: "rejoin",
    actionLabel: "Reconnect",
  },
  heartbeat_timeout: {
    title: "You were disconnected",
    suggestion: "We lost contact with your browser for a while, perhaps because of the network or a sleeping device. Reconnect to continue.",
    action: "rejoin",
    actionLabel: "Reconnect",
  },
  invalid_display_name: {
    title: "That name can't be used",
    suggestion: "Use 1 to 64 characters without line breaks or other control characters, then join again.",
    action: "home",
    actionLabel: "",
  },
  malformed_message: {
    title: "Something went wrong in the call",
    suggestion: "Your browser and the server misunderstood each other. Reload the page and join again.",
    action: "reload",
    actionLabel: "Reload page",
  },
  unknown_message_type: {
    title: "Something went wrong in the call",
    suggestion: "Your browser and the server misunderstood each other. Reload the page and join again.",
    action: "reload",
    actionLabel: "Reload page",
  },
  message_too_large: {
    title: "Something went wrong in the call",
    suggestion: "A message was too large to send. Reload the page and join again.",
    action: "reload",
    actionLabel: "Reload page",
  },
  binary_not_supported: {
    title: "Something went wrong in the call",
    suggestion: "Your browser and the server misunderstood each other. Reload the page and join again.",
    action: "reload",
    actionLabel: "Reload page",
  },
  not_joined: {
    title: "You're not in the call yet",
    suggestion: "Reconnect to join the call again.",
    action: "rejoin",
    actionLabel: "Reconnect",
  },
  already_joined: {
    title: "You're already in this call",
    suggestion: "Reconnect to start a fresh connection.",
    action: "rejoin",
    actionLabel: "Reconnect",
  },
  // Races that heal themselves: a signal for someone who just left, for example.
  unknown_participant: {
    title: "That participant has left",
    suggestion: "They may rejoin in a moment.",
    action: "ignore",
    actionLabel: "",
  },
  cannot_signal_self: {
    title: "Something went wrong in the call",
    suggestion: "Reload the page if video or sound stop working.",
    action: "ignore",
    actionLabel: "",
  },
  // This client stays far below the limit; the call carries on without the dropped message.
  rate_limited: {
    title: "Too many messages",
    suggestion: "Some of your browser's messages were dropped. Reload the page if video or sound stop working.",
    action: "ignore",
    actionLabel: "",
  },
  access_revoked: {
    title: "You can no longer join this call",
    suggestion: "You were removed from the group, it stopped admitting guests, or it was deleted. Ask one of its owners if you think this is a mistake.",
    action: "home",
    actionLabel: "",
  },
  // Answers to recording commands: the call shows the room's own explanation (lib/recording).
  recording_not_allowed: {
    title: "You can't do that with the recording",
    suggestion: "Only some people may start or stop a recording in this group.",
    action: "ignore",
    actionLabel: "",
  },
  recording_unavailable: {
    title: "This call can't be recorded",
    suggestion: "Only a group's call can be recorded. Start the call from a group's page.",
    action: "ignore",
    actionLabel: "",
  },
  recording_conflict: {
    title: "The recording changed meanwhile",
    suggestion: "Someone else started or stopped it at the same time.",
    action: "ignore",
    actionLabel: "",
  },
  invalid_chat_message: {
    title: "That message can't be sent",
    suggestion: "A chat message can't be empty, longer than 2000 characters, or hold control characters.",
    action: "ignore",
    actionLabel: "",
  },
  slow_consumer: {
    title: "Your browser fell behind",
    suggestion: "It stopped taking in the call's messages for too long, perhaps because the device was busy or asleep. Reconnect to continue.",
    action: "rejoin",
    actionLabel: "Reconnect",
  },
};

/** Errors of the HTTP API met while asking for a call pass. */
const ACCESS_INFO: Record<string, CallErrorInfo> = {
  guests_not_allowed: {
    title: "This call is for members",
    suggestion: "The group doesn't admit guests. Sign in with an account that belongs to it, or ask for an invite link.",
    action: "signin",
    actionLabel: "Sign in",
  },
  group_not_found: {
    title: "This call doesn't exist",
    suggestion: "The group may have been deleted, or you're not a member. Check the link, or ask for an invite.",
    action: "home",
    actionLabel: "",
  },
  account_required: {
    title: "Sign in to join",
    suggestion: "Sign in again, then rejoin the call.",
    action: "signin",
    actionLabel: "Sign in",
  },
  invalid_name: {
    title: "That name can't be used",
    suggestion: "Use 1 to 64 characters without line breaks or other control characters, then join again.",
    action: "home",
    actionLabel: "",
  },
};

const FALLBACK_BY_CATEGORY: Record<ErrorCategory, CallErrorInfo> = {
  invalid_request: INFO.malformed_message,
  capacity: INFO.room_full,
  unavailable: {
    title: "This call isn't available right now",
    suggestion: "Try again in a moment.",
    action: "rejoin",
    actionLabel: "Try again",
  },
  timeout: INFO.heartbeat_timeout,
  overload: INFO.slow_consumer,
  access: INFO.access_revoked,
};

/** WebSocket close codes the server uses for fatal errors (4000–4999). */
const CLOSE_CODES: Record<number, ErrorCode> = {
  4000: "malformed_message",
  4001: "unknown_message_type",
  4002: "message_too_large",
  4003: "binary_not_supported",
  4004: "unsupported_version",
  4005: "not_joined",
  4006: "already_joined",
  4007: "invalid_display_name",
  4008: "unknown_participant",
  4009: "cannot_signal_self",
  4010: "room_full",
  4011: "group_calls_unavailable",
  4012: "join_timeout",
  4013: "heartbeat_timeout",
  4014: "rate_limited",
  4015: "slow_consumer",
  4016: "access_revoked",
};

/**
 * The message and action for an error. Codes this client version does not know fall back
 * to their category, then to a generic message.
 */
export function describeCallError(code: string, category?: string): CallErrorInfo {
  if (Object.hasOwn(INFO, code)) return INFO[code as ErrorCode];
  if (Object.hasOwn(ACCESS_INFO, code)) return ACCESS_INFO[code] as CallErrorInfo;
  if (category && Object.hasOwn(FALLBACK_BY_CATEGORY, category)) {
    return FALLBACK_BY_CATEGORY[category as ErrorCategory];
  }
  return {
    title: "Something went wrong in the call",
    suggestion: "Reconnect to try again. If it keeps happening, reload the page.",
    action: "rejoin",
    actionLabel: "Reconnect",
  };
}

/** The error code a WebSocket close code stands for, if it is one of the server's. */
export function errorCodeFromCloseCode(closeCode: number): ErrorCode | null {
  return CLOSE_CODES[closeCode] ?? null;
}

/** Whether a close code means the server ended the connection over an error. */
export function isApplicationCloseCode(closeCode: number): boolean {
  return closeCode >= 4000 && closeCode <= 4999;
}

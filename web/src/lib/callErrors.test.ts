import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../protocol/generated";
import { describeCallError, errorCodeFromCloseCode, isApplicationCloseCode } from "./callErrors";

const ALL_CODES: ErrorCode[] = [
  "malformed_message",
  "unknown_message_type",
  "message_too_large",
  "binary_not_supported",
  "unsupported_version",
  "not_joined",
  "already_joined",
  "invalid_display_name",
  "unknown_participant",
  "cannot_signal_self",
  "room_full",
  "group_calls_unavailable",
  "join_timeout",
  "heartbeat_timeout",
  "rate_limited",
  "slow_consumer",
  "access_revoked",
];

describe("describeCallError", () => {
  it.each(ALL_CODES)("has a title, a suggestion and an action for %s", (code) => {
    const info = describeCallError(code);
    expect(info.title.length).toBeGreaterThan(5);
    expect(info.suggestion).toMatch(/\.$/);
    if (info.action === "rejoin" || info.action === "reload") expect(info.actionLabel).not.toBe("");
  });

  it("tells people a full call is full and who can help", () => {
    expect(describeCallError("room_full")).toMatchObject({
      title: "This call is full",
      suggestion: expect.stringContaining("Ask the host to start a new call"),
    });
  });

  it("explains that no media server could be had for a group call", () => {
    expect(describeCallError("group_calls_unavailable")).toMatchObject({
      title: "Group calls aren't available right now",
      suggestion: "Calls of three or more need a media server, and none could be reached. Try again in a moment.",
      action: "rejoin",
    });
  });

  it("asks for a reload when the protocol version changed", () => {
    expect(describeCallError("unsupported_version").action).toBe("reload");
  });

  it.each(["join_timeout", "heartbeat_timeout", "slow_consumer"])("offers to reconnect after %s", (code) => {
    expect(describeCallError(code)).toMatchObject({ action: "rejoin", actionLabel: "Reconnect" });
  });

  it("tells someone shut out of a call that rejoining will not help", () => {
    expect(describeCallError("access_revoked")).toMatchObject({ title: "You can no longer join this call", action: "home" });
    expect(describeCallError("gone_for_good", "access").action).toBe("home");
    expect(errorCodeFromCloseCode(4016)).toBe("access_revoked");
  });

  it("does not bother people with self-healing races", () => {
    expect(describeCallError("unknown_participant").action).toBe("ignore");
  });

  it("drops a rate-limited message without ending the call", () => {
    expect(describeCallError("rate_limited").action).toBe("ignore");
    expect(errorCodeFromCloseCode(4015)).toBe("slow_consumer");
  });

  it("falls back to the category for codes from a newer server", () => {
    expect(describeCallError("room_exploded", "capacity").title).toBe("This call is full");
    expect(describeCallError("room_exploded", "timeout").action).toBe("rejoin");
  });

  it("has a generic message for anything else", () => {
    expect(describeCallError("what", "ever")).toMatchObject({ action: "rejoin", actionLabel: "Reconnect" });
    expect(describeCallError("toString").title).toBe("Something went wrong in the call");
  });
});

describe("close codes", () => {
  it("maps every server close code to its error", () => {
    expect(ALL_CODES.map((_, i) => errorCodeFromCloseCode(4000 + i))).toEqual(ALL_CODES);
  });

  it("knows which codes are application errors", () => {
    expect(isApplicationCloseCode(1000)).toBe(false);
    expect(isApplicationCloseCode(1006)).toBe(false);
    expect(isApplicationCloseCode(4010)).toBe(true);
    expect(errorCodeFromCloseCode(1006)).toBeNull();
  });
});

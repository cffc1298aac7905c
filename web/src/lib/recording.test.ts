import { describe, expect, it } from "vitest";
import type { RecordingView } from "../protocol/generated";
import {
  GUESTS_CANNOT_RECORD,
  NEEDS_GROUP,
  ONLY_STARTER_STOPS,
  formatElapsed,
  listNames,
  recordingAnnouncement,
  recordingErrorMessage,
  recordingUi,
  requestEndedMessage,
} from "./recording";

const view = (overrides: Partial<RecordingView> = {}): RecordingView => ({
  phase: "recording",
  started_by: 1,
  since_ms: 1_700_000_000_000,
  recorded: [1, 2],
  waiting: [3],
  declined: [4],
  ...overrides,
});

const member = (id: number) => ({ id, role: "member" as const, groupCall: true });

describe("recordingUi", () => {
  it("offers Start recording in a group's call when nothing is asked or recorded", () => {
    expect(recordingUi(null, member(2))).toEqual({
      control: { action: "start", usable: true },
      phase: "idle",
      sinceMs: null,
      startedBy: null,
      me: "none",
      agreed: 0,
      asked: 0,
    });
  });

  it("explains that a link call can't be recorded, and that guests can't record", () => {
    expect(recordingUi(null, { id: 2, role: null, groupCall: false }).control).toEqual({ action: "start", usable: false, reason: NEEDS_GROUP });
    expect(NEEDS_GROUP).toMatch(/needs a group/);
    expect(recordingUi(null, { id: 2, role: null, groupCall: true }).control).toEqual({ action: "start", usable: false, reason: GUESTS_CANNOT_RECORD });
  });

  it("explains that the group keeps recording to a higher role, as the pass says", () => {
    const below = { id: 2, role: "member" as const, groupCall: true, recordRole: "admin" as const };
    expect(recordingUi(null, below).control).toEqual({ action: "start", usable: false, reason: "In this group, only admins and owners may start a recording." });
    expect(recordingUi(null, { ...below, role: "admin" }).control).toEqual({ action: "start", usable: true });
    expect(recordingUi(null, { ...below, recordRole: "owner", role: "admin" }).control).toMatchObject({ usable: false, reason: expect.stringMatching(/only owners/) });
  });

  it("lets the starter and admins or owners stop; others get an explanation", () => {
    expect(recordingUi(view(), member(1)).control).toEqual({ action: "stop", usable: true });
    expect(recordingUi(view(), { id: 2, role: "admin", groupCall: true }).control).toEqual({ action: "stop", usable: true });
    expect(recordingUi(view(), { id: 2, role: "owner", groupCall: true }).control).toEqual({ action: "stop", usable: true });
    expect(recordingUi(view(), member(2)).control).toEqual({ action: "stop", usable: false, reason: ONLY_STARTER_STOPS });
  });

  it("says where the viewer stands: recorded, asked, declined", () => {
    expect(recordingUi(view(), member(2)).me).toBe("recorded");
    expect(recordingUi(view(), member(3)).me).toBe("waiting");
    expect(recordingUi(view(), member(4)).me).toBe("declined");
    expect(recordingUi(view(), member(9)).me).toBe("unlisted");
    expect(recordingUi(view(), { id: null, role: null, groupCall: true }).me).toBe("unlisted");
  });

  it("carries the phase, the start and how many agreed", () => {
    const ui = recordingUi(view({ phase: "asking", recorded: [1], waiting: [2, 3], declined: [] }), member(1));
    expect(ui).toMatchObject({ phase: "asking", sinceMs: 1_700_000_000_000, startedBy: 1, me: "recorded", agreed: 1, asked: 3 });
  });
});

describe("requestEndedMessage", () => {
  const names = new Map([
    [2, "Bob"],
    [3, "Cy"],
  ]);
  const nameOf = (id: number) => names.get(id) ?? null;

  it("names who declined", () => {
    expect(requestEndedMessage({ kind: "declined", by: 2, display_name: "Bob" }, nameOf)).toBe("Bob declined recording. Nothing was recorded.");
    expect(requestEndedMessage({ kind: "declined", by: 3, display_name: "" }, nameOf)).toBe("Cy declined recording. Nothing was recorded.");
  });

  it("says not everyone answered in time, and who did not", () => {
    expect(requestEndedMessage({ kind: "timed_out", waiting: [2, 3] }, nameOf)).toBe(
      "Not everyone answered in time (no answer from Bob and Cy). Nothing was recorded.",
    );
    expect(requestEndedMessage({ kind: "timed_out", waiting: [7] }, nameOf)).toBe("Not everyone answered in time. Nothing was recorded.");
  });

  it("passes on why the recording could not start", () => {
    expect(requestEndedMessage({ kind: "node_unavailable", reason: "no media node has room." }, nameOf)).toBe(
      "Recording could not start: no media node has room. Try again in a moment.",
    );
  });
});

describe("recordingErrorMessage", () => {
  it("puts the room's explanation in a sentence", () => {
    expect(recordingErrorMessage("recording_not_allowed", "in this group, only admins and owners may start a recording")).toBe(
      "Recording isn't allowed: in this group, only admins and owners may start a recording.",
    );
    expect(recordingErrorMessage("recording_unavailable", "only a group's call can be recorded")).toBe(
      "Recording isn't available: only a group's call can be recorded.",
    );
    expect(recordingErrorMessage("recording_conflict", "a recording is already running or being asked for")).toBe(
      "Recording: a recording is already running or being asked for.",
    );
    expect(recordingErrorMessage("rate_limited", "a request to record ended less than 10 s ago; ask again later")).toBe(
      "Please wait before asking again: a request to record ended less than 10 s ago; ask again later.",
    );
  });

  it("has words of its own when the room gave none", () => {
    expect(recordingErrorMessage("recording_unavailable", "")).toBe(NEEDS_GROUP);
    expect(recordingErrorMessage("rate_limited", " ")).toMatch(/Wait a few seconds/);
  });
});

describe("recordingAnnouncement", () => {
  it("speaks on each change of phase only", () => {
    expect(recordingAnnouncement("idle", "idle")).toBe("");
    expect(recordingAnnouncement("idle", "asking")).toMatch(/asked to record/);
    expect(recordingAnnouncement("asking", "recording")).toMatch(/^Recording started/);
    expect(recordingAnnouncement("recording", "idle")).toBe("Recording stopped.");
    expect(recordingAnnouncement("asking", "idle")).toMatch(/Nothing was recorded/);
  });
});

describe("formatElapsed and listNames", () => {
  it("formats a running clock", () => {
    expect(formatElapsed(-5)).toBe("00:00");
    expect(formatElapsed(7_900)).toBe("00:07");
    expect(formatElapsed(754_000)).toBe("12:34");
    expect(formatElapsed(3_723_000)).toBe("1:02:03");
  });

  it("joins names", () => {
    expect(listNames([])).toBe("");
    expect(listNames(["Bob"])).toBe("Bob");
    expect(listNames(["Bob", "Cy"])).toBe("Bob and Cy");
    expect(listNames(["Bob", "Cy", "Dee"])).toBe("Bob, Cy and Dee");
  });
});

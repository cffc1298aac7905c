/**
 * A call's recording as one participant sees it: which control they get, whether they are
 * asked, recorded or not, and the words for how a request ended or why a command was refused.
 * The room decides (core/src/room/recording.rs); this only reads its view.
 */

import type { ErrorCode, RecordingRequestEnd, RecordingView, Role } from "../protocol/generated";
import { atLeast } from "./roles";

/** Who is looking, as far as recording cares. */
export type RecordingViewer = {
  /** Their participant id (null before the room welcomed them). */
  id: number | null;
  /** Their role in the group (null for guests and in link calls). */
  role: Role | null;
  /** Whether the call is a stored group's (only those can be recorded). */
  groupCall: boolean;
  /** The lowest role that may start a recording (the group's setting, from the call pass). */
  recordRole?: Role | null;
};

/** Why the start control cannot send. */
export const NEEDS_GROUP = "Recording needs a group: only a group's call can be recorded. Start the call from a group's page.";
export const GUESTS_CANNOT_RECORD = "Guests can't record. Only the group's members can start a recording.";
export const ONLY_STARTER_STOPS = "Only whoever started the recording, or an admin or owner, can stop it.";

/** Why a member whose role is below the group's "who may record" cannot start one. */
export function roleTooLow(recordRole: Role): string {
  const who = recordRole === "owner" ? "owners" : recordRole === "admin" ? "admins and owners" : "members";
  return `In this group, only ${who} may start a recording.`;
}

/** The record button: what it does, and whether it may be used (and if not, why). */
export type RecordingControl =
  | { action: "start"; usable: true }
  | { action: "start"; usable: false; reason: string }
  | { action: "stop"; usable: true }
  | { action: "stop"; usable: false; reason: string };

/** Where the viewer stands in the recording. */
export type MyConsent =
  /** No question and no recording. */
  | "none"
  /** Asked; no answer yet (a prompt is due). */
  | "waiting"
  /** Agreed: their media is (or, while asking, will be) written. */
  | "recorded"
  /** Declined or withdrew: not written. */
  | "declined"
  /** Present but not among those asked (should not happen; treated as not recorded). */
  | "unlisted";

export type RecordingUi = {
  control: RecordingControl;
  /** "asking": waiting for everyone to agree; "recording": the REC indicator shows. */
  phase: "idle" | RecordingView["phase"];
  /** When the question was asked or the recording began (Unix ms). */
  sinceMs: number | null;
  /** Who asked to record. */
  startedBy: number | null;
  me: MyConsent;
  /** How many of those asked agreed, and how many were asked (everyone present). */
  agreed: number;
  asked: number;
};

/** What `viewer` sees of `view` (null: nothing asked, nothing recorded). */
export function recordingUi(view: RecordingView | null | undefined, viewer: RecordingViewer): RecordingUi {
  if (!view) return { control: startControl(viewer), phase: "idle", sinceMs: null, startedBy: null, me: "none", agreed: 0, asked: 0 };
  return {
    control: mayStop(view, viewer) ? { action: "stop", usable: true } : { action: "stop", usable: false, reason: ONLY_STARTER_STOPS },
    phase: view.phase,
    sinceMs: view.since_ms,
    startedBy: view.started_by,
    me: consentOf(view, viewer.id),
    agreed: view.recorded.length,
    asked: view.recorded.length + view.waiting.length + view.declined.length,
  };
}

function startControl(viewer: RecordingViewer): RecordingControl {
  if (!viewer.groupCall) return { action: "start", usable: false, reason: NEEDS_GROUP };
  // Guests are the only people in a group's call without a role.
  if (viewer.id !== null && viewer.role === null) return { action: "start", usable: false, reason: GUESTS_CANNOT_RECORD };
  if (viewer.role && viewer.recordRole && !atLeast(viewer.role, viewer.recordRole)) {
    return { action: "start", usable: false, reason: roleTooLow(viewer.recordRole) };
  }
  return { action: "start", usable: true };
}

/** The starter, or an admin or owner, may stop a recording (or withdraw the question). */
function mayStop(view: RecordingView, viewer: RecordingViewer): boolean {
  if (viewer.id !== null && view.started_by === viewer.id) return true;
  return viewer.role !== null && atLeast(viewer.role, "admin");
}

function consentOf(view: RecordingView, id: number | null): MyConsent {
  if (id === null) return "unlisted";
  if (view.waiting.includes(id)) return "waiting";
  if (view.recorded.includes(id)) return "recorded";
  if (view.declined.includes(id)) return "declined";
  return "unlisted";
}

/** What screen readers hear when the recording's phase changes ("" when nothing to say). */
export function recordingAnnouncement(before: RecordingUi["phase"], after: RecordingUi["phase"]): string {
  if (before === after) return "";
  if (after === "asking") return "Someone asked to record this call. Waiting for everyone to agree.";
  if (after === "recording") return "Recording started. This call is being recorded.";
  return before === "recording" ? "Recording stopped." : "The request to record ended. Nothing was recorded.";
}

/** "00:07", "12:34", "1:02:03": time since a recording began. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

/** "Bob", "Bob and Cy", "Bob, Cy and Dee". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}

/** What the asker is told when their request ended without a recording. */
export function requestEndedMessage(reason: RecordingRequestEnd, nameOf: (id: number) => string | null): string {
  switch (reason.kind) {
    case "declined":
      return `${reason.display_name || nameOf(reason.by) || "Someone"} declined recording. Nothing was recorded.`;
    case "timed_out": {
      const names = reason.waiting.map(nameOf).filter((n): n is string => n !== null && n !== "");
      const who = names.length > 0 ? ` (no answer from ${listNames(names)})` : "";
      return `Not everyone answered in time${who}. Nothing was recorded.`;
    }
    case "node_unavailable":
      return `Recording could not start: ${withoutFinalStop(reason.reason) || "no media server could be reached"}. Try again in a moment.`;
  }
}

/** The recording errors of the room. */
export const RECORDING_ERRORS: readonly ErrorCode[] = ["recording_not_allowed", "recording_unavailable", "recording_conflict"];

/**
 * What to show when the room refused a recording command (`detail` is its explanation, e.g.
 * "in this group, only admins and owners may start a recording"). `rate_limited` is a recording
 * error only right after a recording command (asking again too soon after a declined request).
 */
export function recordingErrorMessage(code: string, detail: string): string {
  const why = withoutFinalStop(detail);
  switch (code) {
    case "recording_not_allowed":
      return why ? `Recording isn't allowed: ${why}.` : "You aren't allowed to do that with the recording.";
    case "recording_unavailable":
      return why ? `Recording isn't available: ${why}.` : NEEDS_GROUP;
    case "recording_conflict":
      return why ? `Recording: ${why}.` : "Someone else changed the recording at the same time. Try again.";
    case "rate_limited":
      return why ? `Please wait before asking again: ${why}.` : "A request to record ended moments ago. Wait a few seconds, then ask again.";
    default:
      return why ? `Recording: ${why}.` : "Something went wrong with the recording.";
  }
}

function withoutFinalStop(text: string): string {
  return text.trim().replace(/[.!]+$/, "");
}

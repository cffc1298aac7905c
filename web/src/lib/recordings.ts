/** A group's stored recordings as its page shows them: status words, sizes, when to ask again. */

import type { RecordingView as StoredRecording } from "../api/generated";

/** How often the list is asked for again while a recording is still being made or composed. */
export const POLL_MS = 3_000;

/** How long before a download link expires the list is asked for again. */
export const LINK_RENEW_BEFORE_MS = 60_000;

/** The least time between asking again for fresh links (a clock ahead of the server's would otherwise poll). */
export const LINK_RENEW_MIN_MS = 30_000;

/** "Recording", "Waiting to be processed", "Processing 42 %", "Ready", "Failed: <why>". */
export function recordingStatusLabel(recording: Pick<StoredRecording, "status" | "progress" | "failure">): string {
  switch (recording.status) {
    case "recording":
      return "Recording";
    case "queued":
      return "Waiting to be processed";
    case "processing":
      return recording.progress == null ? "Processing" : `Processing ${recording.progress} %`;
    case "ready":
      return "Ready";
    case "failed":
      return recording.failure ? `Failed: ${recording.failure}` : "Failed";
  }
}

/** Whether a recording may still change on its own (it is being made or composed). */
export function isSettling(recording: Pick<StoredRecording, "status">): boolean {
  return recording.status !== "ready" && recording.status !== "failed";
}

/**
 * When to ask for the list again, in ms from `now` (null: no need): every POLL_MS while any
 * recording is not yet ready or failed; otherwise shortly before the first download link expires
 * (at most every LINK_RENEW_MIN_MS).
 */
export function nextRefreshMs(recordings: readonly StoredRecording[], now: number): number | null {
  if (recordings.some(isSettling)) return POLL_MS;
  const expiries = recordings.map((r) => r.download_expires_at).filter((at): at is number => typeof at === "number");
  if (expiries.length === 0) return null;
  return Math.max(LINK_RENEW_MIN_MS, Math.min(...expiries) - LINK_RENEW_BEFORE_MS - now);
}

/** "820 KB", "12.4 MB", "1.2 GB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, "")} ${units[unit]}`;
}

/** "0:07", "12:34", "1:02:03": a recording's length, as players show it. */
export function formatLength(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

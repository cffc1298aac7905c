import { describe, expect, it } from "vitest";
import type { RecordingView as StoredRecording } from "../api/generated";
import { LINK_RENEW_BEFORE_MS, LINK_RENEW_MIN_MS, POLL_MS, formatBytes, formatLength, isSettling, nextRefreshMs, recordingStatusLabel } from "./recordings";

const stored = (overrides: Partial<StoredRecording> = {}): StoredRecording => ({
  id: "r1",
  started_at: 1_700_000_000_000,
  stopped_at: 1_700_000_020_000,
  duration_ms: 20_000,
  size_bytes: 2_400_000,
  status: "ready",
  progress: null,
  failure: null,
  participants: ["Ada", "Bob"],
  started_by: "Ada",
  download_url: "/api/recordings/r1/file?expires=1&signature=x",
  download_expires_at: 1_700_000_900_000,
  ...overrides,
});

describe("recordingStatusLabel", () => {
  it("names every status, with progress and the reason of a failure", () => {
    expect(recordingStatusLabel({ status: "recording" })).toBe("Recording");
    expect(recordingStatusLabel({ status: "queued" })).toBe("Waiting to be processed");
    expect(recordingStatusLabel({ status: "processing", progress: 42 })).toBe("Processing 42 %");
    expect(recordingStatusLabel({ status: "processing", progress: null })).toBe("Processing");
    expect(recordingStatusLabel({ status: "ready" })).toBe("Ready");
    expect(recordingStatusLabel({ status: "failed", failure: "no media was recorded" })).toBe("Failed: no media was recorded");
    expect(recordingStatusLabel({ status: "failed" })).toBe("Failed");
  });
});

describe("nextRefreshMs", () => {
  const now = 1_700_000_100_000;

  it("polls every few seconds while any recording is being made or processed", () => {
    for (const status of ["recording", "queued", "processing"] as const) {
      expect(isSettling({ status })).toBe(true);
      expect(nextRefreshMs([stored(), stored({ id: "r2", status, download_url: null, download_expires_at: null })], now)).toBe(POLL_MS);
    }
  });

  it("stops polling once all are ready or failed, and asks again before the first link expires", () => {
    const failed = stored({ id: "r2", status: "failed", download_url: null, download_expires_at: null });
    expect(nextRefreshMs([stored(), failed], now)).toBe(1_700_000_900_000 - LINK_RENEW_BEFORE_MS - now);
    expect(nextRefreshMs([failed], now)).toBeNull();
    expect(nextRefreshMs([], now)).toBeNull();
  });

  it("asks for fresh links at most every half minute (an expired link, a clock ahead of the server's)", () => {
    expect(nextRefreshMs([stored({ download_expires_at: now - 1 })], now)).toBe(LINK_RENEW_MIN_MS);
  });
});

describe("formatBytes and formatLength", () => {
  it("reads sizes in decimal units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(820_000)).toBe("820 KB");
    expect(formatBytes(2_400_000)).toBe("2.4 MB");
    expect(formatBytes(12_000_000)).toBe("12 MB");
    expect(formatBytes(1_250_000_000)).toBe("1.3 GB");
  });

  it("reads lengths like a player", () => {
    expect(formatLength(20_400)).toBe("0:20");
    expect(formatLength(754_000)).toBe("12:34");
    expect(formatLength(3_723_000)).toBe("1:02:03");
  });
});

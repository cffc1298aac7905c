import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeStream, fakeTrack, installFakeMediaStream } from "../test/fakePeerConnection";
import { acquireMedia, acquireTrack, type GetUserMedia } from "./acquireMedia";

const err = (name: string) => new DOMException("x", name);

/** getUserMedia that grants the kinds listed in `devices` and throws `errors[kind]` otherwise. */
function browser(devices: { audio?: boolean; video?: boolean }, errors: { audio?: string; video?: string } = {}) {
  return vi.fn<GetUserMedia>(async (c) => {
    const kinds = (["audio", "video"] as const).filter((k) => c[k]);
    for (const k of kinds) {
      if (!devices[k]) throw err(errors[k] ?? "NotFoundError");
      const constraint = c[k] as MediaTrackConstraints;
      if (constraint.deviceId && (constraint.deviceId as { exact: string }).exact === "gone") throw err("OverconstrainedError");
    }
    return fakeStream(...kinds.map((k) => fakeTrack(k)));
  });
}

beforeEach(() => installFakeMediaStream());

describe("acquireMedia", () => {
  it("asks once for both when both work", async () => {
    const gum = browser({ audio: true, video: true });
    const result = await acquireMedia(gum, { audioDeviceId: "", videoDeviceId: "" });
    expect(result.tracks.map((t) => t.kind)).toEqual(["audio", "video"]);
    expect(result.problems).toEqual({});
    expect(gum).toHaveBeenCalledTimes(1);
  });

  it("falls back to the microphone alone when there is no camera", async () => {
    const result = await acquireMedia(browser({ audio: true }), { audioDeviceId: "", videoDeviceId: "" });
    expect(result.tracks.map((t) => t.kind)).toEqual(["audio"]);
    expect(result.problems).toEqual({ video: "not-found" });
  });

  it("reports both when nothing is allowed", async () => {
    const result = await acquireMedia(browser({}, { audio: "NotAllowedError", video: "NotAllowedError" }), {
      audioDeviceId: "",
      videoDeviceId: "",
    });
    expect(result).toEqual({ tracks: [], problems: { audio: "permission-denied", video: "permission-denied" } });
  });

  it("reports a camera in use while keeping the microphone", async () => {
    const result = await acquireMedia(browser({ audio: true }, { video: "NotReadableError" }), {
      audioDeviceId: "",
      videoDeviceId: "",
    });
    expect(result.problems).toEqual({ video: "in-use" });
    expect(result.tracks).toHaveLength(1);
  });

  it("uses the default device when the remembered one is gone", async () => {
    const gum = browser({ audio: true, video: true });
    const result = await acquireMedia(gum, { audioDeviceId: "", videoDeviceId: "gone" });
    expect(result.tracks.map((t) => t.kind)).toEqual(["audio", "video"]);
    expect(result.problems).toEqual({});
  });

  it("can ask for just one kind", async () => {
    const gum = browser({ audio: true, video: true });
    const result = await acquireMedia(gum, { audioDeviceId: "", videoDeviceId: "" }, ["video"]);
    expect(result.tracks.map((t) => t.kind)).toEqual(["video"]);
    expect(gum).toHaveBeenCalledWith({ audio: false, video: expect.any(Object) });
  });
});

describe("acquireTrack", () => {
  it("asks for the exact device", async () => {
    const gum = browser({ video: true });
    const result = await acquireTrack(gum, "video", "cam-2");
    expect(result.track?.kind).toBe("video");
    expect(gum.mock.calls[0]?.[0]).toMatchObject({ video: { deviceId: { exact: "cam-2" } } });
  });

  it("reports the problem", async () => {
    await expect(acquireTrack(browser({}, { audio: "NotReadableError" }), "audio", "")).resolves.toEqual({
      track: null,
      problem: "in-use",
    });
  });
});

import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeStream, fakeTrack, installFakeMediaStream } from "../test/fakePeerConnection";
import { LocalMedia, type MediaDevicesLike, effectiveMedia } from "./localMedia";

type Kind = "audio" | "video";

class FakeDevices extends EventTarget {
  available: Record<Kind, string[]> = { audio: ["mic-1"], video: ["cam-1", "cam-2"] };
  denied = false;
  requests: MediaStreamConstraints[] = [];

  getUserMedia = vi.fn(async (c: MediaStreamConstraints) => {
    this.requests.push(c);
    if (this.denied) throw new DOMException("no", "NotAllowedError");
    const tracks: MediaStreamTrack[] = [];
    for (const kind of ["audio", "video"] as const) {
      const constraint = c[kind];
      if (!constraint) continue;
      const wanted = (constraint as MediaTrackConstraints).deviceId as { exact: string } | undefined;
      const id = wanted?.exact ?? this.available[kind][0];
      if (!id || !this.available[kind].includes(id)) throw new DOMException("none", "NotFoundError");
      const track = fakeTrack(kind, `${id}-track`);
      Object.assign(track, { getSettings: () => ({ deviceId: id }), stop: vi.fn() });
      tracks.push(track);
    }
    return fakeStream(...tracks);
  });

  enumerateDevices = vi.fn(async () => [
    ...this.available.audio.map((deviceId) => ({ deviceId, kind: "audioinput", label: deviceId, groupId: "" })),
    ...this.available.video.map((deviceId) => ({ deviceId, kind: "videoinput", label: deviceId, groupId: "" })),
  ]) as unknown as MediaDevices["enumerateDevices"];
}

function setup() {
  const devices = new FakeDevices();
  const media = new LocalMedia(devices as unknown as MediaDevicesLike, localStorage);
  return { devices, media };
}

beforeEach(() => installFakeMediaStream());

describe("LocalMedia", () => {
  it("gets camera and microphone and lists devices", async () => {
    const { media } = setup();
    await media.start();
    const s = media.getSnapshot();
    expect(s).toMatchObject({ status: "ready", hasAudio: true, hasVideo: true, problems: {}, cameraId: "cam-1" });
    expect(s.stream?.getTracks()).toHaveLength(2);
    expect(s.cameras.map((d) => d.deviceId)).toEqual(["cam-1", "cam-2"]);
  });

  it("mutes by disabling the track", async () => {
    const { media } = setup();
    await media.start();
    media.setMicOn(false);
    expect(media.getSnapshot().stream?.getAudioTracks()[0]?.enabled).toBe(false);
    expect(effectiveMedia(media.getSnapshot())).toEqual({ audio: false, video: true });
    media.setCameraOn(false);
    expect(media.getSnapshot().stream?.getVideoTracks()[0]?.enabled).toBe(false);
  });

  it("switches camera, replacing only the video track, and remembers the choice", async () => {
    const { media } = setup();
    await media.start();
    const before = media.getSnapshot().stream;
    const oldVideo = before?.getVideoTracks()[0];
    await media.selectCamera("cam-2");
    const after = media.getSnapshot().stream;
    expect(after).not.toBe(before);
    expect(after?.getVideoTracks()[0]?.id).toBe("cam-2-track");
    expect(after?.getAudioTracks()[0]).toBe(before?.getAudioTracks()[0]);
    expect(oldVideo?.stop).toHaveBeenCalled();
    expect(localStorage.getItem("peershare.cameraId")).toBe("cam-2");
    expect(new LocalMedia(setup().devices as unknown as MediaDevicesLike, localStorage).getSnapshot().cameraId).toBe("cam-2");
  });

  it("keeps the camera off when switching while it is off", async () => {
    const { media } = setup();
    await media.start();
    media.setCameraOn(false);
    await media.selectCamera("cam-2");
    expect(media.getSnapshot().stream?.getVideoTracks()[0]?.enabled).toBe(false);
  });

  it("works with a microphone only and picks up a camera when one is plugged in", async () => {
    const { media, devices } = setup();
    devices.available.video = [];
    await media.start();
    expect(media.getSnapshot()).toMatchObject({ hasAudio: true, hasVideo: false, problems: { video: "not-found" } });
    expect(effectiveMedia(media.getSnapshot())).toEqual({ audio: true, video: false });

    devices.available.video = ["usb-cam"];
    devices.dispatchEvent(new Event("devicechange"));
    await vi.waitFor(() => expect(media.getSnapshot().hasVideo).toBe(true));
    expect(media.getSnapshot().problems).toEqual({});
  });

  it("reports blocked permission and still lets the person in", async () => {
    const { media, devices } = setup();
    devices.denied = true;
    await media.start();
    expect(media.getSnapshot()).toMatchObject({
      status: "ready",
      stream: null,
      problems: { audio: "permission-denied", video: "permission-denied" },
    });
    expect(effectiveMedia(media.getSnapshot())).toEqual({ audio: false, video: false });
  });

  it("retries what failed", async () => {
    const { media, devices } = setup();
    devices.denied = true;
    await media.start();
    devices.denied = false;
    await media.retry();
    expect(media.getSnapshot()).toMatchObject({ hasAudio: true, hasVideo: true, problems: {} });
  });

  it("releases devices on stop and ignores a request that finishes after it", async () => {
    const { media } = setup();
    const started = media.start();
    media.stop();
    await started;
    expect(media.getSnapshot()).toMatchObject({ status: "stopped", stream: null });
  });

  it("is usable without media devices at all", async () => {
    const media = new LocalMedia(undefined, localStorage);
    await media.start();
    expect(media.getSnapshot()).toMatchObject({ status: "ready", supported: false, stream: null });
  });
});

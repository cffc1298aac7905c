/**
 * The person's own camera and microphone: acquiring them, switching devices, muting, and
 * noticing devices coming and going. Framework-free; React reads it through
 * `subscribe` / `getSnapshot` (see useLocalMedia).
 */

import type { MediaKind, MediaProblems } from "../lib/mediaProblems";
import type { MediaState } from "../protocol/generated";
import { acquireMedia, acquireTrack, type GetUserMedia } from "./acquireMedia";

export type LocalMediaStatus = "idle" | "requesting" | "ready" | "stopped";

export type LocalMediaSnapshot = {
  status: LocalMediaStatus;
  /** The live tracks, or null when there are none. A new object whenever a track changes. */
  stream: MediaStream | null;
  hasAudio: boolean;
  hasVideo: boolean;
  /** What the person chose, whether or not the device works. */
  micOn: boolean;
  cameraOn: boolean;
  microphones: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  /** Selected device ids; "" is the browser's default. */
  microphoneId: string;
  cameraId: string;
  problems: MediaProblems;
  /** Whether this browser can capture at all. */
  supported: boolean;
};

export type MediaDevicesLike = Pick<MediaDevices, "getUserMedia" | "enumerateDevices" | "addEventListener" | "removeEventListener">;

type Prefs = Pick<Storage, "getItem" | "setItem">;

const PREF_KEYS: Record<MediaKind, string> = { audio: "peershare.microphoneId", video: "peershare.cameraId" };

/** What the server should be told: on only when chosen and actually working. */
export function effectiveMedia(s: Pick<LocalMediaSnapshot, "micOn" | "cameraOn" | "hasAudio" | "hasVideo">): MediaState {
  return { audio: s.micOn && s.hasAudio, video: s.cameraOn && s.hasVideo };
}

export class LocalMedia {
  private snapshot: LocalMediaSnapshot;
  private readonly listeners = new Set<() => void>();
  private tracks: Partial<Record<MediaKind, MediaStreamTrack>> = {};
  /** Bumped by start/stop so late results of an abandoned request are discarded. */
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly devices: MediaDevicesLike | undefined = globalThis.navigator?.mediaDevices,
    private readonly prefs: Prefs | undefined = safeStorage(),
  ) {
    this.snapshot = {
      status: "idle",
      stream: null,
      hasAudio: false,
      hasVideo: false,
      micOn: true,
      cameraOn: true,
      microphones: [],
      cameras: [],
      microphoneId: this.pref("audio"),
      cameraId: this.pref("video"),
      problems: {},
      supported: typeof devices?.getUserMedia === "function",
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LocalMediaSnapshot => this.snapshot;

  /** Asks for camera and microphone (prompting if needed) and starts watching for devices. */
  start(): Promise<void> {
    const generation = ++this.generation;
    if (!this.devices || !this.snapshot.supported) {
      this.update({ status: "ready" });
      return Promise.resolve();
    }
    this.devices.addEventListener("devicechange", this.onDeviceChange);
    this.update({ status: "requesting" });
    return this.enqueue(async () => {
      if (generation !== this.generation) return;
      const result = await acquireMedia(this.getUserMedia, {
        audioDeviceId: this.snapshot.microphoneId,
        videoDeviceId: this.snapshot.cameraId,
      });
      if (generation !== this.generation) {
        for (const track of result.tracks) track.stop();
        return;
      }
      this.stopTracks();
      for (const track of result.tracks) this.adopt(track);
      this.update({ status: "ready", problems: result.problems });
      this.publishStream();
      await this.enumerate();
    });
  }

  /** Releases camera and microphone (the camera light goes off). */
  stop(): void {
    this.generation++;
    this.devices?.removeEventListener("devicechange", this.onDeviceChange);
    this.stopTracks();
    this.update({ status: "stopped" });
    this.publishStream();
  }

  /** Tries again for the devices that failed. */
  retry(): Promise<void> {
    const missing = (["audio", "video"] as const).filter((k) => !this.tracks[k]);
    return this.acquireKinds(missing);
  }

  setMicOn(on: boolean): void {
    if (this.tracks.audio) this.tracks.audio.enabled = on;
    this.update({ micOn: on });
  }

  setCameraOn(on: boolean): void {
    if (this.tracks.video) this.tracks.video.enabled = on;
    this.update({ cameraOn: on });
  }

  selectMicrophone(deviceId: string): Promise<void> {
    return this.switchDevice("audio", deviceId);
  }

  selectCamera(deviceId: string): Promise<void> {
    return this.switchDevice("video", deviceId);
  }

  // ---- internals --------------------------------------------------------------------------

  private readonly getUserMedia: GetUserMedia = (constraints) => {
    if (!this.devices) return Promise.reject(new DOMException("no media devices", "NotSupportedError"));
    return this.devices.getUserMedia(constraints);
  };

  private switchDevice(kind: MediaKind, deviceId: string): Promise<void> {
    this.savePref(kind, deviceId);
    this.update(kind === "audio" ? { microphoneId: deviceId } : { cameraId: deviceId });
    const generation = this.generation;
    return this.enqueue(async () => {
      if (generation !== this.generation || this.snapshot.status !== "ready") return;
      // Release the old device first: some systems cannot open two cameras at once. The
      // stream is republished only once the new track is there, so the call sees one swap.
      this.dropTrack(kind);
      const result = await acquireTrack(this.getUserMedia, kind, deviceId);
      if (generation !== this.generation) {
        result.track?.stop();
        return;
      }
      if (result.track) this.adopt(result.track);
      this.setProblem(kind, result.track ? undefined : result.problem);
      this.publishStream();
    });
  }

  private acquireKinds(kinds: MediaKind[]): Promise<void> {
    const generation = this.generation;
    return this.enqueue(async () => {
      const wanted = kinds.filter((k) => !this.tracks[k]);
      if (wanted.length === 0 || generation !== this.generation || !this.snapshot.supported) return;
      const result = await acquireMedia(
        this.getUserMedia,
        { audioDeviceId: this.snapshot.microphoneId, videoDeviceId: this.snapshot.cameraId },
        wanted,
      );
      if (generation !== this.generation) {
        for (const track of result.tracks) track.stop();
        return;
      }
      for (const track of result.tracks) this.adopt(track);
      for (const kind of wanted) this.setProblem(kind, result.problems[kind]);
      this.publishStream();
      await this.enumerate();
    });
  }

  private adopt(track: MediaStreamTrack): void {
    const kind = track.kind as MediaKind;
    this.tracks[kind]?.stop();
    track.enabled = kind === "audio" ? this.snapshot.micOn : this.snapshot.cameraOn;
    // A device unplugged mid-call ends its track: fall back to another one if there is one.
    track.addEventListener("ended", () => {
      if (this.tracks[kind] !== track) return;
      this.dropTrack(kind);
      this.publishStream();
      void this.acquireKinds([kind]);
    });
    this.tracks[kind] = track;
  }

  private dropTrack(kind: MediaKind): void {
    this.tracks[kind]?.stop();
    delete this.tracks[kind];
  }

  private stopTracks(): void {
    for (const track of Object.values(this.tracks)) track.stop();
    this.tracks = {};
  }

  private publishStream(): void {
    const tracks = [this.tracks.audio, this.tracks.video].filter((t): t is MediaStreamTrack => !!t);
    this.update({
      stream: tracks.length > 0 ? new MediaStream(tracks) : null,
      hasAudio: !!this.tracks.audio,
      hasVideo: !!this.tracks.video,
    });
  }

  private setProblem(kind: MediaKind, problem: MediaProblems[MediaKind]): void {
    const problems = { ...this.snapshot.problems };
    if (problem) problems[kind] = problem;
    else delete problems[kind];
    this.update({ problems });
  }

  private readonly onDeviceChange = (): void => {
    void this.enumerate().then(() => {
      // A device of a kind we had none of was plugged in: try it.
      const s = this.snapshot;
      const missing: MediaKind[] = [];
      if (!this.tracks.audio && s.problems.audio === "not-found" && s.microphones.length > 0) missing.push("audio");
      if (!this.tracks.video && s.problems.video === "not-found" && s.cameras.length > 0) missing.push("video");
      if (missing.length > 0) void this.acquireKinds(missing);
    });
  };

  private async enumerate(): Promise<void> {
    if (!this.devices?.enumerateDevices) return;
    try {
      const all = await this.devices.enumerateDevices();
      // Before permission is granted devices come back without ids; they are not choosable.
      const usable = all.filter((d) => d.deviceId !== "");
      this.update({
        microphones: usable.filter((d) => d.kind === "audioinput"),
        cameras: usable.filter((d) => d.kind === "videoinput"),
        // Show the device actually in use when the choice was "default".
        microphoneId: this.selectedId("audio", this.snapshot.microphoneId),
        cameraId: this.selectedId("video", this.snapshot.cameraId),
      });
    } catch (error) {
      console.warn("could not list media devices", error);
    }
  }

  private selectedId(kind: MediaKind, chosen: string): string {
    const live = this.tracks[kind]?.getSettings?.().deviceId;
    return live ?? chosen;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch((error: unknown) => console.warn("media operation failed", error));
    return run;
  }

  private pref(kind: MediaKind): string {
    try {
      return this.prefs?.getItem(PREF_KEYS[kind]) ?? "";
    } catch {
      return "";
    }
  }

  private savePref(kind: MediaKind, value: string): void {
    try {
      this.prefs?.setItem(PREF_KEYS[kind], value);
    } catch {
      // Not remembering the choice is fine.
    }
  }

  private update(patch: Partial<LocalMediaSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

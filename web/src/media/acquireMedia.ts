/** Asking the browser for camera and microphone, degrading gracefully to whatever works. */

import { classifyMediaError, type DeviceProblem, type MediaKind, type MediaProblems } from "../lib/mediaProblems";

export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

export type DeviceChoice = { audioDeviceId: string; videoDeviceId: string };

export type Acquired = { tracks: MediaStreamTrack[]; problems: MediaProblems };

const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** Constraints for one kind of device; `deviceId` "" means the browser's default. */
export function constraintsFor(kind: MediaKind, deviceId: string): MediaTrackConstraints {
  const base = kind === "audio" ? AUDIO : VIDEO;
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/**
 * Gets camera and microphone in one prompt when possible. If that fails, tries each on its
 * own so that someone with only a microphone (or a blocked camera) can still join with what
 * works, and reports what did not.
 */
export async function acquireMedia(getUserMedia: GetUserMedia, choice: DeviceChoice, kinds: MediaKind[] = ["audio", "video"]): Promise<Acquired> {
  if (kinds.length === 0) return { tracks: [], problems: {} };
  try {
    const stream = await getUserMedia({
      audio: kinds.includes("audio") ? constraintsFor("audio", choice.audioDeviceId) : false,
      video: kinds.includes("video") ? constraintsFor("video", choice.videoDeviceId) : false,
    });
    return { tracks: stream.getTracks(), problems: {} };
  } catch (error) {
    if (kinds.length === 1) {
      const kind = kinds[0] as MediaKind;
      const retried = await acquireTrack(getUserMedia, kind, kind === "audio" ? choice.audioDeviceId : choice.videoDeviceId, error);
      return retried.track ? { tracks: [retried.track], problems: {} } : { tracks: [], problems: { [kind]: retried.problem } };
    }
  }
  const tracks: MediaStreamTrack[] = [];
  const problems: MediaProblems = {};
  for (const kind of kinds) {
    const result = await acquireTrack(getUserMedia, kind, kind === "audio" ? choice.audioDeviceId : choice.videoDeviceId);
    if (result.track) tracks.push(result.track);
    else problems[kind] = result.problem;
  }
  return { tracks, problems };
}

export type TrackResult = { track: MediaStreamTrack; problem?: undefined } | { track: null; problem: DeviceProblem };

/**
 * One track of `kind` from `deviceId`, falling back to the default device when that one is
 * gone. `previousError` is a failure already seen for this exact request, to skip repeating it.
 */
export async function acquireTrack(
  getUserMedia: GetUserMedia,
  kind: MediaKind,
  deviceId: string,
  previousError?: unknown,
): Promise<TrackResult> {
  let lastError: unknown = previousError;
  if (previousError === undefined) {
    try {
      return { track: firstTrack(await getUserMedia({ [kind]: constraintsFor(kind, deviceId) }), kind) };
    } catch (error) {
      lastError = error;
    }
  }
  const problem = classifyMediaError(lastError);
  if (deviceId && problem === "not-found") {
    try {
      return { track: firstTrack(await getUserMedia({ [kind]: constraintsFor(kind, "") }), kind) };
    } catch (error) {
      return { track: null, problem: classifyMediaError(error) };
    }
  }
  return { track: null, problem };
}

function firstTrack(stream: MediaStream, kind: MediaKind): MediaStreamTrack {
  const track = (kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks())[0];
  if (!track) throw new DOMException(`no ${kind} track`, "NotFoundError");
  // Anything else the browser handed over is not ours to keep.
  for (const extra of stream.getTracks()) if (extra !== track) extra.stop();
  return track;
}

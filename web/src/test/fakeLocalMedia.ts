import { vi } from "vitest";
import type { UseLocalMedia } from "../hooks/useLocalMedia";
import type { LocalMedia, LocalMediaSnapshot } from "../media/localMedia";

const device = (kind: MediaDeviceKind, deviceId: string, label: string) => ({ kind, deviceId, label, groupId: "" }) as MediaDeviceInfo;

/** A UseLocalMedia value with spied controller methods, for component tests. */
export function fakeLocalMedia(overrides: Partial<LocalMediaSnapshot> = {}): UseLocalMedia {
  const controller = {
    setMicOn: vi.fn(),
    setCameraOn: vi.fn(),
    selectCamera: vi.fn(async () => undefined),
    selectMicrophone: vi.fn(async () => undefined),
    retry: vi.fn(async () => undefined),
    start: vi.fn(async () => undefined),
    stop: vi.fn(),
  } as unknown as LocalMedia;
  return {
    status: "ready",
    stream: null,
    hasAudio: true,
    hasVideo: true,
    micOn: true,
    cameraOn: true,
    microphones: [device("audioinput", "mic-1", "Desk microphone")],
    cameras: [device("videoinput", "cam-1", "FaceTime HD"), device("videoinput", "cam-2", "USB camera")],
    microphoneId: "mic-1",
    cameraId: "cam-1",
    problems: {},
    supported: true,
    controller,
    ...overrides,
  };
}

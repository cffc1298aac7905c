import { useCallback, useEffect, useState } from "react";

export type DeviceLabels = {
  cameras: string[];
  microphones: string[];
  /** False when the browser hides names until camera and microphone access is allowed. */
  labelled: boolean;
  /** Asks for access (then lets go of the devices at once) so the names can be read. */
  requestAccess(): Promise<void>;
  /** Why access failed, when it did. */
  problem: string | null;
};

/** Names of the cameras and microphones, for choosing preferred ones. */
export function useDeviceLabels(): DeviceLabels {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const media = navigator.mediaDevices as MediaDevices | undefined;
    if (typeof media?.enumerateDevices !== "function") return;
    let current = true;
    const refresh = () => {
      listDevices().then((list) => current && setDevices(list));
    };
    refresh();
    media.addEventListener?.("devicechange", refresh);
    return () => {
      current = false;
      media.removeEventListener?.("devicechange", refresh);
    };
  }, []);

  const requestAccess = useCallback(async () => {
    setProblem(null);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      stream.getTracks().forEach((track) => track.stop());
      setDevices(await listDevices());
    } catch {
      setProblem("Camera and microphone access wasn't allowed, so their names can't be shown. You can allow it in the browser's address bar.");
    }
  }, []);

  const labels = (kind: MediaDeviceKind) => [...new Set(devices.filter((d) => d.kind === kind && d.label !== "").map((d) => d.label))];
  const cameras = labels("videoinput");
  const microphones = labels("audioinput");
  const labelled = devices.length === 0 || devices.some((d) => d.label !== "");
  return { cameras, microphones, labelled, requestAccess, problem };
}

async function listDevices(): Promise<MediaDeviceInfo[]> {
  try {
    return await navigator.mediaDevices.enumerateDevices();
  } catch {
    return [];
  }
}

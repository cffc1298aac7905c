import { useEffect, useState, useSyncExternalStore } from "react";
import { LocalMedia, type LocalMediaSnapshot } from "../media/localMedia";

export type UseLocalMedia = LocalMediaSnapshot & { controller: LocalMedia };

/** The person's camera and microphone, acquired on mount and released on unmount. */
export function useLocalMedia(enabled: boolean): UseLocalMedia {
  const [controller] = useState(() => new LocalMedia());
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  useEffect(() => {
    if (!enabled) return;
    void controller.start();
    return () => controller.stop();
  }, [controller, enabled]);
  return { ...snapshot, controller };
}

import { PhoneOff } from "lucide-react";
import type { ReactNode } from "react";
import { MediaToggle } from "../ui/MediaToggle";

type Props = {
  micOn: boolean;
  cameraOn: boolean;
  hasAudio: boolean;
  hasVideo: boolean;
  onMicChange(on: boolean): void;
  onCameraChange(on: boolean): void;
  onLeave(): void;
  /** Extra controls (device settings) shown before Leave. */
  children?: ReactNode;
};

export function ControlsBar({ micOn, cameraOn, hasAudio, hasVideo, onMicChange, onCameraChange, onLeave, children }: Props) {
  return (
    <div role="toolbar" aria-label="Call controls" className="flex items-center justify-center gap-3 sm:gap-4">
      <MediaToggle kind="microphone" on={micOn} unavailable={!hasAudio} onChange={onMicChange} shortcut="Control+D" />
      <MediaToggle kind="camera" on={cameraOn} unavailable={!hasVideo} onChange={onCameraChange} shortcut="Control+E" />
      {children}
      <button
        type="button"
        onClick={onLeave}
        className="inline-flex h-control min-w-[4.5rem] items-center justify-center gap-2 rounded-full bg-danger px-5 font-semibold text-white transition-colors duration-150 hover:bg-danger-hover"
      >
        <PhoneOff aria-hidden="true" className="size-6" />
        <span className="max-sm:sr-only">Leave call</span>
      </button>
    </div>
  );
}

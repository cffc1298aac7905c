import { CameraOff, LoaderCircle } from "lucide-react";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";
import { Avatar } from "../ui/Avatar";
import { MediaToggle } from "../ui/MediaToggle";
import { StreamVideo } from "../ui/StreamVideo";
import { MicLevel } from "./MicLevel";

/** The mirrored camera preview with the mic and camera toggles over it. */
export function SelfPreview({ local, name }: { local: UseLocalMedia; name: string }) {
  const showVideo = local.hasVideo && local.cameraOn;
  const caption =
    local.status === "requesting" || local.status === "idle"
      ? "Starting camera…"
      : !local.hasVideo
        ? "No camera"
        : "Camera is off";
  return (
    <div className="relative aspect-video w-full overflow-hidden rounded-card bg-surface-2 shadow-xl shadow-black/30">
      <StreamVideo
        stream={local.stream}
        muted
        mirrored
        aria-label="Your camera preview"
        className={`absolute inset-0 size-full object-cover ${showVideo ? "" : "invisible"}`}
      />
      {showVideo ? null : (
        <div className="absolute inset-0 flex flex-col items-center justify-center gap-3 text-ink-muted">
          {local.status === "requesting" ? (
            <LoaderCircle aria-hidden="true" className="size-10 motion-safe:animate-spin" />
          ) : name.trim() ? (
            <Avatar name={name} />
          ) : (
            <CameraOff aria-hidden="true" className="size-10" />
          )}
          <p className="text-base font-medium">{caption}</p>
        </div>
      )}
      {local.hasAudio ? (
        <div className="absolute top-3 left-3">
          <MicLevel track={local.stream?.getAudioTracks()[0] ?? null} />
        </div>
      ) : null}
      <div className="absolute inset-x-0 bottom-0 flex justify-center gap-4 bg-gradient-to-t from-black/60 to-transparent px-4 pt-10 pb-4">
        <MediaToggle kind="microphone" look="overlay" on={local.micOn} unavailable={!local.hasAudio} onChange={(on) => local.controller.setMicOn(on)} />
        <MediaToggle kind="camera" look="overlay" on={local.cameraOn} unavailable={!local.hasVideo} onChange={(on) => local.controller.setCameraOn(on)} />
      </div>
    </div>
  );
}

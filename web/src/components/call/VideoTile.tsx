import { LoaderCircle, MicOff, WifiOff } from "lucide-react";
import type { MediaState } from "../../protocol/generated";
import { Avatar } from "../ui/Avatar";
import { StreamVideo } from "../ui/StreamVideo";

type Props = {
  name: string;
  self: boolean;
  stream: MediaStream | null;
  media: MediaState;
  /** Remote only: the participant id, also put on the <video> for tests. */
  participantId?: number;
  /** Remote only: state of the connection carrying their media. */
  linkState?: RTCPeerConnectionState;
  /** Remote only: their microphone picks up speech now. */
  speaking?: boolean;
  /** Remote only: a guest in a group's call, not one of its members. */
  guest?: boolean;
  width: number;
  height: number;
};

/** What the tile says to assistive technology, e.g. "Ada Lovelace, microphone off, camera off". */
export function tileLabel(name: string, media: MediaState): string {
  return `${name}${media.audio ? "" : ", microphone off"}${media.video ? "" : ", camera off"}`;
}

export function VideoTile({ name, self, stream, media, participantId, linkState, speaking = false, guest = false, width, height }: Props) {
  const hasVideoTrack = (stream?.getVideoTracks().length ?? 0) > 0;
  const showVideo = media.video && hasVideoTrack;
  const label = self ? `${name} (you)` : guest ? `${name} (guest)` : name;
  const linkProblem = !self && (linkState === "disconnected" || linkState === "failed");
  const linking = !self && (linkState === "new" || linkState === "connecting");

  return (
    <li
      className={`relative overflow-hidden rounded-tile bg-surface-2 ${speaking && media.audio ? "ring-3 ring-success ring-inset" : ""}`}
      data-speaking={speaking && media.audio ? "true" : undefined}
      style={{ width, height }}
    >
      <div role="group" aria-label={tileLabel(label, media)} className="size-full">
        <StreamVideo
          stream={stream}
          muted={self}
          mirrored={self}
          data-participant-id={participantId}
          aria-hidden="true"
          className={`absolute inset-0 size-full object-cover ${showVideo ? "" : "invisible"}`}
        />

        {showVideo ? null : (
          <div className="absolute inset-0 flex items-center justify-center">
            <Avatar name={name} />
          </div>
        )}

        {linking || linkProblem ? (
          <p className="absolute top-2 left-2 flex items-center gap-1.5 rounded-full bg-surface-0/80 px-2.5 py-1 text-xs font-medium">
            {linkProblem ? (
              <WifiOff aria-hidden="true" className="size-3.5 text-warning" />
            ) : (
              <LoaderCircle aria-hidden="true" className="size-3.5 motion-safe:animate-spin" />
            )}
            {linkProblem ? "Connection lost, retrying" : "Connecting…"}
          </p>
        ) : null}

        <p className="absolute bottom-2 left-2 flex max-w-[calc(100%-1rem)] items-center gap-1.5 rounded-full bg-surface-0/75 py-1 pr-3 pl-2.5 text-sm font-medium backdrop-blur-sm">
          {media.audio ? null : <MicOff aria-hidden="true" className="size-4 shrink-0 text-danger-soft" />}
          <span className="truncate">{label}</span>
        </p>
      </div>
    </li>
  );
}

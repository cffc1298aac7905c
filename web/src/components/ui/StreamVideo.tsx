import { type VideoHTMLAttributes, useEffect, useRef } from "react";

type Props = Omit<VideoHTMLAttributes<HTMLVideoElement>, "src"> & {
  stream: MediaStream | null;
  /** Self-view: flip horizontally like a mirror. */
  mirrored?: boolean;
  /** Remote audio plays through the element; the self-view is always muted. */
  muted: boolean;
  "data-participant-id"?: number;
};

/** A <video> showing a MediaStream. */
export function StreamVideo({ stream, mirrored = false, muted, className = "", ...rest }: Props) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
    if (stream) {
      Promise.resolve()
        .then(() => video.play())
        .catch(() => {
        // Autoplay can be refused before the first click; the element retries on its own
        // once the page is interacted with (autoPlay attribute).
        });
    }
  }, [stream]);
  return (
    // Live call video has no caption track to offer.
    // eslint-disable-next-line jsx-a11y/media-has-caption
    <video
      ref={ref}
      autoPlay
      playsInline
      muted={muted}
      className={`${mirrored ? "-scale-x-100" : ""} ${className}`}
      {...rest}
    />
  );
}

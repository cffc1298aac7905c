import { useLayoutEffect, useRef, useState } from "react";
import { gridLayout } from "../../lib/gridLayout";
import type { RemoteParticipant } from "../../call/callSession";
import type { MediaState } from "../../protocol/generated";
import { VideoTile } from "./VideoTile";

const GAP = 8;

type Props = {
  self: { name: string; stream: MediaStream | null; media: MediaState };
  participants: RemoteParticipant[];
};

/** Every participant's tile, sized to make the most of the space. */
export function VideoGrid({ self, participants }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    if (typeof ResizeObserver === "undefined") {
      window.addEventListener("resize", measure);
      return () => window.removeEventListener("resize", measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const count = participants.length + 1;
  const layout = gridLayout(count, size.width, size.height, GAP);

  return (
    <div ref={ref} className="size-full min-h-0">
      <ul aria-label="Participants" className="flex size-full flex-wrap content-center justify-center" style={{ gap: GAP }}>
        {participants.map((p) => (
          <VideoTile
            key={p.id}
            self={false}
            name={p.displayName}
            stream={p.stream}
            media={p.media}
            participantId={p.id}
            linkState={p.linkState}
            width={layout.cellWidth}
            height={layout.cellHeight}
          />
        ))}
        {/* Self last: people look at the others first. */}
        <VideoTile self name={self.name} stream={self.stream} media={self.media} width={layout.cellWidth} height={layout.cellHeight} />
      </ul>
    </div>
  );
}

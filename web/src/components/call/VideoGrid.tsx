import { ChevronLeft, ChevronRight } from "lucide-react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { RemoteParticipant } from "../../call/callSession";
import { gridLayout } from "../../lib/gridLayout";
import { gridPage } from "../../lib/gridPaging";
import type { MediaState } from "../../protocol/generated";
import { VideoTile } from "./VideoTile";

const GAP = 8;

type Props = {
  self: { name: string; stream: MediaStream | null; media: MediaState };
  participants: RemoteParticipant[];
  /** How large each remote video is shown, in device pixels (0×0 when off the page). */
  onViewport?(participantId: number, width: number, height: number): void;
};

/** Every participant's tile, sized to make the most of the space; pages beyond nine tiles. */
export function VideoGrid({ self, participants, onViewport }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [requestedPage, setPage] = useState(0);

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

  const { visible, page, pages } = gridPage(participants, requestedPage);
  const paged = pages > 1;
  const gridHeight = Math.max(0, size.height - (paged ? 56 : 0));
  const layout = gridLayout(visible.length + 1, size.width, gridHeight, GAP);

  const shownIds = visible.map((p) => p.id).join(",");
  const allIds = participants.map((p) => p.id).join(",");
  useEffect(() => {
    if (!onViewport) return;
    const ratio = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
    const shown = new Set(shownIds.split(",").filter(Boolean).map(Number));
    for (const id of allIds.split(",").filter(Boolean).map(Number)) {
      if (shown.has(id)) onViewport(id, layout.cellWidth * ratio, layout.cellHeight * ratio);
      else onViewport(id, 0, 0);
    }
  }, [onViewport, shownIds, allIds, layout.cellWidth, layout.cellHeight]);

  return (
    <div ref={ref} className="flex size-full min-h-0 flex-col">
      <ul aria-label="Participants" className="flex min-h-0 flex-1 flex-wrap content-center justify-center" style={{ gap: GAP }}>
        {visible.map((p) => (
          <VideoTile
            key={p.id}
            self={false}
            name={p.displayName}
            guest={p.guest}
            stream={p.stream}
            media={p.media}
            participantId={p.id}
            linkState={p.linkState}
            speaking={p.speaking}
            width={layout.cellWidth}
            height={layout.cellHeight}
          />
        ))}
        {/* Self last: people look at the others first. */}
        <VideoTile self name={self.name} stream={self.stream} media={self.media} width={layout.cellWidth} height={layout.cellHeight} />
      </ul>
      {paged ? (
        <nav aria-label="Participant pages" className="flex items-center justify-center gap-3 pt-2">
          <button
            type="button"
            onClick={() => setPage(page - 1)}
            disabled={page === 0}
            className="inline-flex size-tap items-center justify-center rounded-control bg-surface-2 hover:bg-surface-3 disabled:opacity-40"
          >
            <ChevronLeft aria-hidden="true" className="size-5" />
            <span className="sr-only">Previous participants</span>
          </button>
          <p className="text-sm font-medium" aria-live="polite">
            Page {page + 1} of {pages}
          </p>
          <button
            type="button"
            onClick={() => setPage(page + 1)}
            disabled={page >= pages - 1}
            className="inline-flex size-tap items-center justify-center rounded-control bg-surface-2 hover:bg-surface-3 disabled:opacity-40"
          >
            <ChevronRight aria-hidden="true" className="size-5" />
            <span className="sr-only">Next participants</span>
          </button>
        </nav>
      ) : null}
    </div>
  );
}

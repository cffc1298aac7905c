import { useEffect } from "react";
import { deleteRecording, listRecordings } from "../../api/recordings";
import type { ApiFetch } from "../../api/http";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { nextRefreshMs } from "../../lib/recordings";
import { ErrorState } from "../ui/ErrorState";
import { LiveMessage } from "../ui/LiveMessage";
import { LoadingState } from "../ui/LoadingState";
import { Section } from "../ui/Section";
import { RecordingRow } from "./RecordingRow";

/**
 * The group's recordings, newest first. Asked for again every few seconds while one is being
 * made or processed, and before download links expire.
 */
export function RecordingsSection({ api, groupId }: { api: ApiFetch; groupId: string }) {
  const list = useResource(`recordings:${groupId}`, () => listRecordings(api, groupId));
  const action = useAction();
  const data = list.status === "ready" ? list.data : null;
  const { reload } = list;

  useEffect(() => {
    if (!data) return;
    const delay = nextRefreshMs(data.recordings, Date.now());
    if (delay === null) return;
    const timer = setTimeout(reload, delay);
    return () => clearTimeout(timer);
  }, [data, reload]);

  const remove = (id: string) =>
    void action.run(
      () => deleteRecording(api, groupId, id),
      () => {
        list.set((current) => ({ ...current, recordings: current.recordings.filter((r) => r.id !== id) }));
        return "Recording deleted.";
      },
    );

  return (
    <Section title="Recordings" description="Calls recorded with everyone's consent. Members can download them.">
      {list.status === "loading" ? <LoadingState label="Loading recordings…" /> : null}
      {list.status === "error" ? <ErrorState title="Recordings didn't load" message={list.message ?? ""} onRetry={list.reload} /> : null}
      {data && data.recordings.length === 0 ? <p className="text-sm text-ink-muted">No recordings yet. Start one from the call&apos;s controls.</p> : null}
      {data && data.recordings.length > 0 ? (
        <ul className="-my-3 divide-y divide-line">
          {data.recordings.map((recording) => (
            <RecordingRow key={recording.id} recording={recording} canDelete={data.can_delete} busy={action.pending} onDelete={() => remove(recording.id)} />
          ))}
        </ul>
      ) : null}
      <LiveMessage message={action.message} className="mt-3" />
    </Section>
  );
}

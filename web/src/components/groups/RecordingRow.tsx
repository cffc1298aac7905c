import { Download, Trash2 } from "lucide-react";
import type { RecordingView as StoredRecording } from "../../api/generated";
import { formatDateTime } from "../../lib/format";
import { listNames } from "../../lib/recording";
import { formatBytes, formatLength, recordingStatusLabel } from "../../lib/recordings";
import { ConfirmButton } from "../ui/ConfirmButton";

const STATUS_STYLE: Record<StoredRecording["status"], string> = {
  recording: "border-danger-soft/60 text-danger-soft",
  queued: "border-line-strong text-ink-muted",
  processing: "border-warning/60 text-warning",
  ready: "border-success/60 text-success",
  failed: "border-danger-soft/60 text-danger-soft",
};

type Props = { recording: StoredRecording; canDelete: boolean; busy: boolean; onDelete(): void };

/** One recording: when, how long, who is in it, its size and status; "Download" once ready, "Delete" for admins. */
export function RecordingRow({ recording, canDelete, busy, onDelete }: Props) {
  const started = formatDateTime(recording.started_at);
  const length = recordingLength(recording);
  const people = recording.participants.length > 0 ? listNames(recording.participants) : recording.started_by;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-3 py-3">
      <div className="min-w-48 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-semibold">
          <span className={`rounded-full border px-2.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[recording.status]}`}>{recordingStatusLabel(recording)}</span>
          {started}
          {length ? ` · ${length}` : null}
        </p>
        <p className="mt-1 text-sm text-ink-muted">
          With {people}
          {recording.size_bytes != null ? ` · ${formatBytes(recording.size_bytes)}` : null}
        </p>
        {recording.status === "processing" && recording.progress != null ? (
          <progress max={100} value={recording.progress} aria-label={`Processing the recording of ${started}`} className="mt-2 h-1.5 w-full accent-accent" />
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {recording.status === "ready" && recording.download_url ? (
          <a
            href={recording.download_url}
            download
            className="inline-flex min-h-tap items-center justify-center gap-2 rounded-control bg-accent px-4 text-sm font-semibold whitespace-nowrap text-white hover:bg-accent-hover"
          >
            <Download aria-hidden="true" className="size-4" />
            Download
          </a>
        ) : null}
        {canDelete && recording.status !== "recording" ? (
          <ConfirmButton
            label="Delete"
            variant="secondary"
            icon={<Trash2 className="size-4" />}
            title="Delete this recording?"
            confirmLabel="Delete recording"
            disabled={busy}
            onConfirm={onDelete}
          >
            The recording of {started} is deleted for everyone in the group, with its file. This can&apos;t be undone.
          </ConfirmButton>
        ) : null}
      </div>
    </li>
  );
}

/** Its length once known, or how long it ran. */
function recordingLength(recording: StoredRecording): string | null {
  if (recording.duration_ms != null) return formatLength(recording.duration_ms);
  if (recording.stopped_at != null) return formatLength(recording.stopped_at - recording.started_at);
  return null;
}

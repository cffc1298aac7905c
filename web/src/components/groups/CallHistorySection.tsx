import { listCalls } from "../../api/groups";
import type { CallView } from "../../api/generated";
import type { ApiFetch } from "../../api/http";
import { useResource } from "../../hooks/useResource";
import { formatDateTime, formatDuration } from "../../lib/format";
import { ErrorState } from "../ui/ErrorState";
import { LoadingState } from "../ui/LoadingState";
import { Section } from "../ui/Section";

/** The group's latest calls: when, how long, and who took part. */
export function CallHistorySection({ api, groupId }: { api: ApiFetch; groupId: string }) {
  const calls = useResource(`calls:${groupId}`, () => listCalls(api, groupId));
  return (
    <Section title="Call history">
      {calls.status === "loading" ? <LoadingState label="Loading call history…" /> : null}
      {calls.status === "error" ? <ErrorState title="Call history didn't load" message={calls.message ?? ""} onRetry={calls.reload} /> : null}
      {calls.status === "ready" && calls.data.length === 0 ? <p className="text-sm text-ink-muted">No calls yet. Start one with the button above.</p> : null}
      {calls.status === "ready" && calls.data.length > 0 ? (
        <ul className="-my-3 divide-y divide-line">
          {calls.data.map((call) => (
            <li key={call.id} className="py-3">
              <p className="text-sm font-semibold">
                {formatDateTime(call.started_at)} · {call.ended_at == null ? <span className="text-success">going on now</span> : formatDuration(call.duration_ms ?? call.ended_at - call.started_at)}
              </p>
              <p className="mt-1 text-sm text-ink-muted">{participantNames(call)}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

/** "Ada, Bob and Grace": each person once, in order of joining. */
export function participantNames(call: CallView): string {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const p of call.participants) {
    if (seen.has(p.participant)) continue;
    seen.add(p.participant);
    names.push(p.display_name);
  }
  if (names.length === 0) return "No one";
  if (names.length === 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}

import { Users, Video } from "lucide-react";
import { useCallStatus } from "../../hooks/useCallStatus";
import { callPath } from "../../lib/callId";
import { type CallStatus, isCallFull } from "../../lib/callStatus";
import { AppLink } from "../ui/AppLink";

/** The group's call: who is in it now, and "Start call" or "Join call" to go to its page. */
export function GroupCallCard({ groupId }: { groupId: string }) {
  const status = useCallStatus(groupId, true);
  const someoneIn = (status?.participants ?? 0) > 0;
  const full = status !== null && isCallFull(status);
  return (
    <section aria-labelledby="group-call-heading" className="flex flex-col gap-4 rounded-card border border-accent/60 bg-surface-2 p-5 sm:flex-row sm:items-center sm:justify-between sm:p-6">
      <div>
        <h2 id="group-call-heading" className="text-lg font-bold tracking-tight">
          Group call
        </h2>
        <p role="status" className="mt-1 flex min-h-6 items-center gap-2 text-sm text-ink-muted">
          {status ? (
            <>
              <Users aria-hidden="true" className="size-4 shrink-0" />
              <span className={full ? "font-semibold text-warning" : ""}>{describe(status)}</span>
            </>
          ) : (
            "Checking who's in the call…"
          )}
        </p>
      </div>
      <AppLink
        href={callPath(groupId)}
        className="inline-flex min-h-12 items-center justify-center gap-2.5 rounded-control bg-accent px-6 text-base font-semibold whitespace-nowrap text-white hover:bg-accent-hover"
      >
        <Video aria-hidden="true" className="size-5" />
        {someoneIn ? "Join call" : "Start call"}
      </AppLink>
    </section>
  );
}

/** Who is in the call, from outside it: "No one is in the call", "2 people are in the call". */
function describe(status: CallStatus): string {
  if (isCallFull(status)) return status.participants >= status.capacity ? "The call is full" : "The call can't take more people right now";
  if (status.participants <= 0) return "No one is in the call";
  return status.participants === 1 ? "1 person is in the call" : `${status.participants} people are in the call`;
}

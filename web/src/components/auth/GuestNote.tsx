import { UserRound } from "lucide-react";
import { AppLink } from "../ui/AppLink";

/** What guests can do without an account. */
export function GuestNote() {
  return (
    <section aria-labelledby="guest-heading" className="rounded-card border border-line bg-surface-1 p-5 sm:p-6">
      <h2 id="guest-heading" className="flex items-center gap-2 text-lg font-bold tracking-tight">
        <UserRound aria-hidden="true" className="size-5 text-ink-muted" />
        Continue as guest
      </h2>
      <p className="mt-2 text-sm text-ink-muted">
        You don&apos;t need an account to join a call. Open the call link you were sent, or the call of a group that allows guests, and just enter your name on the call
        page. An account keeps your groups, their members and invites, and your call history.
      </p>
      <AppLink href="/" className="mt-3 inline-flex min-h-tap items-center rounded-control text-sm font-semibold text-accent-soft underline underline-offset-4 hover:no-underline">
        Start or join a call without an account
      </AppLink>
    </section>
  );
}

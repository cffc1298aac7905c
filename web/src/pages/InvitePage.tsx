import { CircleAlert, LogIn, UsersRound } from "lucide-react";
import type { InvitePreview, InviteStatus } from "../api/generated";
import { ApiError } from "../api/http";
import { acceptInvite, previewInvite } from "../api/invites";
import { signInPath } from "../auth/returnTo";
import { useAuth } from "../auth/useAuth";
import { PageLayout } from "../components/layout/PageLayout";
import { AppLink } from "../components/ui/AppLink";
import { Button } from "../components/ui/Button";
import { ErrorState } from "../components/ui/ErrorState";
import { LiveMessage } from "../components/ui/LiveMessage";
import { LoadingState } from "../components/ui/LoadingState";
import { useAction } from "../hooks/useAction";
import { useResource } from "../hooks/useResource";
import { formatDateTime } from "../lib/format";
import { navigate } from "../routing";

const CLOSED: Record<Exclude<InviteStatus, "active">, { title: string; body: string }> = {
  expired: { title: "This invite has expired", body: "Invite links work for a limited time. Ask someone in the group for a new one." },
  used_up: { title: "This invite has been used up", body: "It admitted as many people as it was made for. Ask someone in the group for a new one." },
  revoked: { title: "This invite was withdrawn", body: "An admin of the group turned this link off. Ask someone in the group for a new one." },
};

/** `/invite/{token}`: what the invite leads to, and joining (after signing in). */
export function InvitePage({ token }: { token: string }) {
  const { api } = useAuth();
  const preview = useResource(`invite:${token}`, () => previewInvite(api, token));
  return (
    <PageLayout title="Invite">
      <div className="mx-auto max-w-lg">
        {preview.status === "loading" ? <LoadingState label="Opening the invite…" /> : null}
        {preview.status === "error" ? (
          <div className="flex flex-col gap-6">
            <h1 className="text-3xl font-bold tracking-tight">Invite not found</h1>
            <ErrorState
              title="This invite link isn't valid"
              message={`${preview.message ?? ""} Check that you copied the whole link, or ask for a new one.`}
              onRetry={preview.error instanceof ApiError && preview.error.status === 404 ? undefined : preview.reload}
            />
          </div>
        ) : null}
        {preview.status === "ready" ? <InviteCard token={token} invite={preview.data} onClosed={preview.reload} /> : null}
      </div>
    </PageLayout>
  );
}

function InviteCard({ token, invite, onClosed }: { token: string; invite: InvitePreview; onClosed(): void }) {
  const auth = useAuth();
  const action = useAction();
  const closed = invite.status === "active" ? null : CLOSED[invite.status];

  const join = async () => {
    const joined = await action.run(() => acceptInvite(auth.api, token));
    if (joined) navigate(`/groups/${encodeURIComponent(joined.group.id)}`);
    else onClosed();
  };

  return (
    <div className="flex flex-col gap-6">
      <div>
        <p className="flex items-center gap-2 text-sm font-semibold text-ink-muted">
          <UsersRound aria-hidden="true" className="size-4" />
          You&apos;re invited to a group
        </p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight break-words sm:text-4xl">{invite.group_name ?? "A PeerShare group"}</h1>
        {invite.group_description ? <p className="mt-3 text-base whitespace-pre-line text-ink-muted">{invite.group_description}</p> : null}
      </div>
      <section aria-label="Joining" className="rounded-card border border-line bg-surface-1 p-5 sm:p-6">
        {closed ? (
          <div className="flex gap-3">
            <CircleAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-warning" />
            <div>
              <h2 className="text-base font-semibold">{closed.title}</h2>
              <p className="mt-1 text-sm text-ink-muted">{closed.body}</p>
            </div>
          </div>
        ) : (
          <>
            <p className="text-sm text-ink-muted">This link works until {formatDateTime(invite.expires_at)}.</p>
            <div className="mt-4">
              {auth.status === "loading" ? <LoadingState label="Checking your sign-in…" /> : null}
              {auth.status === "signedIn" ? (
                <>
                  <Button size="lg" icon={<UsersRound className="size-5" />} aria-disabled={action.pending || undefined} onClick={() => void join()} className="w-full sm:w-auto">
                    Join group
                  </Button>
                  <p className="mt-3 text-sm text-ink-muted">You&apos;ll join as {auth.user?.display_name}.</p>
                </>
              ) : null}
              {auth.status === "signedOut" ? (
                <>
                  <AppLink
                    href={signInPath(`/invite/${token}`)}
                    className="inline-flex min-h-12 w-full items-center justify-center gap-2.5 rounded-control bg-accent px-6 text-base font-semibold text-white hover:bg-accent-hover sm:w-auto"
                  >
                    <LogIn aria-hidden="true" className="size-5" />
                    Sign in to join
                  </AppLink>
                  <p className="mt-3 text-sm text-ink-muted">You need an account to become a member. You&apos;ll come back here after signing in.</p>
                </>
              ) : null}
            </div>
          </>
        )}
        <LiveMessage message={action.message} className="mt-4" />
      </section>
    </div>
  );
}

import { createInvite, listInvites, revokeInvite } from "../../api/invites";
import type { GroupView, InviteView } from "../../api/generated";
import type { ApiFetch } from "../../api/http";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { atLeast, canManage, roleLabel } from "../../lib/roles";
import { ErrorState } from "../ui/ErrorState";
import { LiveMessage } from "../ui/LiveMessage";
import { LoadingState } from "../ui/LoadingState";
import { Section } from "../ui/Section";
import { InviteRow } from "./InviteRow";
import { NewInviteForm } from "./NewInviteForm";

/** Invite links: creating them (as the group's settings allow), and for admins the list with "Revoke". */
export function InvitesSection({ api, group }: { api: ApiFetch; group: GroupView }) {
  const mayCreate = atLeast(group.role, group.settings.invite_role);
  const mayManage = canManage(group.role);
  const invites = useResource(mayManage ? `invites:${group.id}` : null, () => listInvites(api, group.id));
  const action = useAction();

  if (!mayCreate && !mayManage) return null;

  const revoke = (invite: InviteView) =>
    void action.run(
      () => revokeInvite(api, group.id, invite.id),
      () => {
        invites.set((list) => list.map((i) => (i.id === invite.id ? { ...i, status: "revoked" } : i)));
        return "Invite revoked. Its link no longer works.";
      },
    );

  return (
    <Section title="Invites" description="People who open an invite link and sign in become members.">
      {mayCreate ? (
        <NewInviteForm create={(ttl, uses) => createInvite(api, group.id, ttl, uses)} onCreated={(created) => invites.set((list) => [created.invite, ...list])} />
      ) : (
        <p className="text-sm text-ink-muted">Only {roleLabel(group.settings.invite_role).toLowerCase()}s can create invite links in this group.</p>
      )}
      {mayManage ? (
        <div className="mt-6 border-t border-line pt-4">
          <h3 className="text-base font-semibold">Invite links</h3>
          {invites.status === "loading" ? <LoadingState label="Loading invites…" /> : null}
          {invites.status === "error" ? <ErrorState title="Invites didn't load" message={invites.message ?? ""} onRetry={invites.reload} /> : null}
          {invites.status === "ready" && invites.data.length === 0 ? <p className="mt-2 text-sm text-ink-muted">No invite links yet.</p> : null}
          {invites.status === "ready" && invites.data.length > 0 ? (
            <ul className="mt-1 divide-y divide-line">
              {invites.data.map((invite) => (
                <InviteRow key={invite.id} invite={invite} busy={action.pending} onRevoke={() => revoke(invite)} />
              ))}
            </ul>
          ) : null}
          <LiveMessage message={action.message} className="mt-3" />
        </div>
      ) : null}
    </Section>
  );
}

import { LogOut } from "lucide-react";
import { changeRole, listMembers, removeMember } from "../../api/groups";
import type { GroupView, MemberView } from "../../api/generated";
import type { ApiFetch } from "../../api/http";
import { useAction } from "../../hooks/useAction";
import { useResource } from "../../hooks/useResource";
import { roleLabel } from "../../lib/roles";
import type { Role } from "../../protocol/generated";
import { ConfirmButton } from "../ui/ConfirmButton";
import { ErrorState } from "../ui/ErrorState";
import { LiveMessage } from "../ui/LiveMessage";
import { LoadingState } from "../ui/LoadingState";
import { Section } from "../ui/Section";
import { MemberRow } from "./MemberRow";

type Props = { api: ApiFetch; group: GroupView; myId: string; onLeft(): void; onMyRoleChanged(role: Role): void };

/** Members with their roles: owners change roles, admins and owners remove people, anyone leaves. */
export function MembersSection({ api, group, myId, onLeft, onMyRoleChanged }: Props) {
  const members = useResource(`members:${group.id}`, () => listMembers(api, group.id));
  const action = useAction();

  const setRole = (member: MemberView, role: Role) =>
    void action.run(
      () => changeRole(api, group.id, member.id, role),
      (updated) => {
        members.set((list) => list.map((m) => (m.id === updated.id ? { ...m, role: updated.role } : m)));
        if (updated.id === myId) onMyRoleChanged(updated.role);
        return `${member.display_name}'s role is now ${roleLabel(updated.role)}.`;
      },
    );

  const remove = (member: MemberView) =>
    void action.run(
      () => removeMember(api, group.id, member.id),
      () => {
        members.set((list) => list.filter((m) => m.id !== member.id));
        return `${member.display_name} was removed from the group.`;
      },
    );

  const leave = async () => {
    const left = await action.run(() => removeMember(api, group.id, "me").then(() => true));
    if (left) onLeft();
  };

  return (
    <Section title="Members">
      {members.status === "loading" ? <LoadingState label="Loading members…" /> : null}
      {members.status === "error" ? <ErrorState title="Members didn't load" message={members.message ?? ""} onRetry={members.reload} /> : null}
      {members.status === "ready" ? (
        <ul className="-my-3 divide-y divide-line">
          {members.data.map((member) => (
            <MemberRow
              key={member.id}
              member={member}
              myRole={group.role}
              isMe={member.id === myId}
              busy={action.pending}
              onChangeRole={(role) => setRole(member, role)}
              onRemove={() => remove(member)}
            />
          ))}
        </ul>
      ) : null}
      <LiveMessage message={action.message} className="mt-4" />
      <div className="mt-4 border-t border-line pt-4">
        <ConfirmButton
          label="Leave group"
          variant="secondary"
          icon={<LogOut className="size-4" />}
          title={`Leave ${group.name}?`}
          confirmLabel="Leave"
          disabled={action.pending}
          onConfirm={() => void leave()}
        >
          You&apos;ll no longer see the group or join its call. To come back you&apos;ll need a new invite.
        </ConfirmButton>
      </div>
    </Section>
  );
}

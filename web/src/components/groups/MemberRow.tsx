import { UserMinus } from "lucide-react";
import type { MemberView } from "../../api/generated";
import { formatDate } from "../../lib/format";
import { canRemove, ROLES, roleLabel } from "../../lib/roles";
import type { Role } from "../../protocol/generated";
import { Avatar } from "../ui/Avatar";
import { ConfirmButton } from "../ui/ConfirmButton";
import { RoleBadge } from "./RoleBadge";

type Props = {
  member: MemberView;
  /** The viewer's role in the group. */
  myRole: Role;
  isMe: boolean;
  busy: boolean;
  onChangeRole(role: Role): void;
  onRemove(): void;
};

/** One member: name, role (a select for owners), when they joined, and "Remove" where allowed. */
export function MemberRow({ member, myRole, isMe, busy, onChangeRole, onRemove }: Props) {
  const name = member.display_name;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-3 py-3">
      <Avatar name={name} size="sm" imageUrl={member.avatar_url} />
      <div className="min-w-40 flex-1">
        <p className="font-semibold break-words">
          {name}
          {isMe ? <span className="font-normal text-ink-muted"> (you)</span> : null}
        </p>
        <p className="text-sm text-ink-muted">Joined {formatDate(member.joined_at)}</p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {myRole === "owner" ? (
          <label className="flex items-center gap-2 text-sm">
            <span className="sr-only">Role of {name}</span>
            <select
              value={member.role}
              disabled={busy}
              onChange={(e) => onChangeRole(e.target.value as Role)}
              className="min-h-tap rounded-control border border-line-strong bg-surface-1 px-2.5 text-sm text-ink"
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <RoleBadge role={member.role} />
        )}
        {!isMe && canRemove(myRole, member.role) ? (
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${name}`}
            variant="secondary"
            icon={<UserMinus className="size-4" />}
            title={`Remove ${name}?`}
            confirmLabel="Remove"
            disabled={busy}
            onConfirm={onRemove}
          >
            They leave the group and its call. They can come back only with a new invite.
          </ConfirmButton>
        ) : null}
      </div>
    </li>
  );
}

import { ChevronRight, UsersRound } from "lucide-react";
import type { GroupView } from "../../api/generated";
import { AppLink } from "../ui/AppLink";
import { RoleBadge } from "./RoleBadge";

/** The caller's groups as links, with their description and the caller's role. */
export function GroupList({ groups }: { groups: readonly GroupView[] }) {
  if (groups.length === 0) {
    return (
      <div className="rounded-card border border-dashed border-line-strong p-6 text-center">
        <UsersRound aria-hidden="true" className="mx-auto size-8 text-ink-muted" />
        <p className="mt-3 text-base font-semibold">You&apos;re not in any groups yet</p>
        <p className="mt-1 text-sm text-ink-muted">Create one with the form, or ask a group&apos;s admin for an invite link.</p>
      </div>
    );
  }
  return (
    <ul className="flex flex-col gap-3">
      {groups.map((group) => (
        <li key={group.id}>
          <AppLink
            href={`/groups/${encodeURIComponent(group.id)}`}
            className="group flex items-center gap-4 rounded-card border border-line bg-surface-1 p-4 hover:border-line-strong hover:bg-surface-2 sm:p-5"
          >
            <span className="min-w-0 flex-1">
              <span className="flex flex-wrap items-center gap-2">
                <span className="text-base font-semibold break-words">{group.name}</span>
                <RoleBadge role={group.role} />
              </span>
              {group.description ? <span className="mt-1 line-clamp-2 block text-sm text-ink-muted">{group.description}</span> : null}
            </span>
            <ChevronRight aria-hidden="true" className="size-5 shrink-0 text-ink-muted" />
          </AppLink>
        </li>
      ))}
    </ul>
  );
}

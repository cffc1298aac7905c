import { roleLabel } from "../../lib/roles";
import type { Role } from "../../protocol/generated";

const STYLES: Record<Role, string> = {
  owner: "border-warning/60 text-warning",
  admin: "border-accent-soft/60 text-accent-soft",
  member: "border-line-strong text-ink-muted",
};

/** A small outlined label: "Owner", "Admin", "Member". */
export function RoleBadge({ role, you = false }: { role: Role; you?: boolean }) {
  return (
    <span className={`inline-flex shrink-0 items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold ${STYLES[role]}`}>
      {you ? `You · ${roleLabel(role)}` : roleLabel(role)}
    </span>
  );
}

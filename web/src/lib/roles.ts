/** Group roles: their names, their order, and what each may do (mirrors core/src/groups). */

import type { Role } from "../protocol/generated";

export const ROLES: readonly Role[] = ["member", "admin", "owner"];

const LABELS: Record<Role, string> = { member: "Member", admin: "Admin", owner: "Owner" };

/** "Owner", "Admin", "Member". */
export function roleLabel(role: Role): string {
  return LABELS[role];
}

/** Whether `role` is at least `minimum`. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** Admins and owners edit the group, its settings and invites. */
export function canManage(role: Role): boolean {
  return atLeast(role, "admin");
}

/** Whether someone with role `actor` may remove a member with role `target` (admins remove members; owners anyone). */
export function canRemove(actor: Role, target: Role): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && target === "member";
}

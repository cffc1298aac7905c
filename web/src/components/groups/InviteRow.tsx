import type { InviteStatus, InviteView } from "../../api/generated";
import { formatDateTime } from "../../lib/format";
import { Button } from "../ui/Button";

const STATUS: Record<InviteStatus, { label: string; style: string }> = {
  active: { label: "Active", style: "border-success/60 text-success" },
  expired: { label: "Expired", style: "border-line-strong text-ink-muted" },
  used_up: { label: "Used up", style: "border-line-strong text-ink-muted" },
  revoked: { label: "Revoked", style: "border-danger-soft/60 text-danger-soft" },
};

/** One invite link: status, expiry, uses, and "Revoke" while it still works. */
export function InviteRow({ invite, busy, onRevoke }: { invite: InviteView; busy: boolean; onRevoke(): void }) {
  const status = STATUS[invite.status];
  const uses = invite.max_uses != null ? `${invite.uses} of ${invite.max_uses} uses` : `${invite.uses} ${invite.uses === 1 ? "use" : "uses"}, no limit`;
  const created = formatDateTime(invite.created_at);
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-semibold">
          <span className={`rounded-full border px-2.5 py-0.5 text-xs font-semibold ${status.style}`}>{status.label}</span>
          Created {created}
        </p>
        <p className="mt-1 text-sm text-ink-muted">
          {invite.status === "active" ? "Expires" : "Expiry"} {formatDateTime(invite.expires_at)} · {uses}
        </p>
      </div>
      {invite.status === "active" ? (
        <Button variant="secondary" disabled={busy} onClick={onRevoke} aria-label={`Revoke invite created ${created}`}>
          Revoke
        </Button>
      ) : null}
    </li>
  );
}

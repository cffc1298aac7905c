import { Link2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import type { CreatedInvite } from "../../api/generated";
import { useAction } from "../../hooks/useAction";
import { Button } from "../ui/Button";
import { CopyLinkButton } from "../ui/CopyLinkButton";
import { LiveMessage } from "../ui/LiveMessage";
import { SelectField } from "../ui/SelectField";
import { TextField } from "../ui/TextField";

const HOUR = 3_600_000;

export const EXPIRY_CHOICES = [
  { value: String(HOUR), label: "1 hour" },
  { value: String(24 * HOUR), label: "1 day" },
  { value: String(7 * 24 * HOUR), label: "7 days" },
] as const;

/** The server's limits on uses per invite. */
const MAX_USES_LIMIT = 1000;

type Props = { create(ttlMs: number, maxUses?: number): Promise<CreatedInvite>; onCreated(invite: CreatedInvite): void };

/** Creates an invite link (expiry, optional use limit) and shows it once, with "Copy link". */
export function NewInviteForm({ create, onCreated }: Props) {
  const [ttl, setTtl] = useState<string>(EXPIRY_CHOICES[1].value);
  const [maxUses, setMaxUses] = useState("");
  const [usesError, setUsesError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const action = useAction();
  const link = created ? `${window.location.origin}${created.path}` : "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = maxUses.trim();
    const uses = trimmed === "" ? undefined : Number(trimmed);
    if (uses !== undefined && (!Number.isInteger(uses) || uses < 1 || uses > MAX_USES_LIMIT)) {
      setUsesError(`Enter a whole number from 1 to ${MAX_USES_LIMIT}, or leave it empty for no limit.`);
      return;
    }
    setUsesError(null);
    const invite = await action.run(() => create(Number(ttl), uses), "Invite link created. Copy it now: it is shown only once.");
    if (invite) {
      setCreated(invite);
      onCreated(invite);
    }
  };

  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={(e) => void submit(e)} noValidate className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Link works for" options={EXPIRY_CHOICES} value={ttl} onChange={setTtl} />
        <TextField
          label="Use limit (optional)"
          placeholder="No limit"
          inputMode="numeric"
          value={maxUses}
          error={usesError}
          onChange={(e) => setMaxUses(e.target.value)}
        />
        <Button type="submit" icon={<Link2 className="size-4" />} aria-disabled={action.pending || undefined} className="justify-self-start sm:col-span-2">
          Create invite link
        </Button>
      </form>
      <LiveMessage message={action.message} />
      {created ? (
        <div className="rounded-control border border-line-strong bg-surface-2 p-4">
          <p className="text-sm font-semibold">New invite link</p>
          <p className="mt-1 font-mono text-sm break-all text-ink-muted select-all">{link}</p>
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <CopyLinkButton url={link} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

import { type FormEvent, useId, useState } from "react";
import type { GroupView } from "../../api/generated";
import { useAction } from "../../hooks/useAction";
import { atLeast, ROLES } from "../../lib/roles";
import type { DefaultLayout, GroupSettings, RecordingQuality, Role, SettingsPatch } from "../../protocol/generated";
import { Button } from "../ui/Button";
import { LiveMessage } from "../ui/LiveMessage";
import { SelectField } from "../ui/SelectField";
import { TextField } from "../ui/TextField";

/** The server's bounds on `max_participants` (core/src/groups/settings.rs). */
export const MIN_PARTICIPANTS = 2;
export const MAX_PARTICIPANTS = 100;

const WHO: Record<Role, string> = { member: "Everyone in the group", admin: "Admins and owners", owner: "Owners only" };
const LAYOUTS: { value: DefaultLayout; label: string }[] = [
  { value: "grid", label: "Grid: everyone the same size" },
  { value: "speaker", label: "Speaker: the person talking large" },
];
const QUALITIES: { value: RecordingQuality; label: string }[] = [
  { value: "low", label: "Low: 360p, small files" },
  { value: "medium", label: "Medium: 720p" },
  { value: "high", label: "High: 720p, better quality, larger files" },
];

type Props = { group: GroupView; save(patch: SettingsPatch): Promise<GroupView>; onSaved(group: GroupView): void };

/** Who may do what in the group, and call defaults (admins and owners). Sends only what changed. */
export function GroupSettingsForm({ group, save, onSaved }: Props) {
  const [draft, setDraft] = useState<GroupSettings>(group.settings);
  const [maxText, setMaxText] = useState(String(group.settings.max_participants));
  const [maxError, setMaxError] = useState<string | null>(null);
  const guestsId = useId();
  const action = useAction();
  const by = group.role;

  /** Options for a right: nobody hands out, or takes back, a right above their own role. */
  const roleOptions = (current: Role) => ROLES.filter((role) => atLeast(by, role) || role === current).map((role) => ({ value: role, label: WHO[role] }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const max = Number(maxText.trim());
    if (!Number.isInteger(max) || max < MIN_PARTICIPANTS || max > MAX_PARTICIPANTS) {
      setMaxError(`Enter a whole number from ${MIN_PARTICIPANTS} to ${MAX_PARTICIPANTS}.`);
      return;
    }
    setMaxError(null);
    const next: GroupSettings = { ...draft, max_participants: max };
    const patch = settingsPatch(group.settings, next);
    if (Object.keys(patch).length === 0) {
      action.clear();
      void action.run(async () => undefined, "Nothing changed.");
      return;
    }
    const saved = await action.run(() => save(patch), "Settings saved.");
    if (saved) onSaved(saved);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="flex flex-col gap-5">
      <div className="flex items-start gap-3">
        <input
          id={guestsId}
          type="checkbox"
          checked={draft.guests_allowed}
          onChange={(e) => setDraft({ ...draft, guests_allowed: e.target.checked })}
          className="mt-1 size-5 shrink-0 accent-accent"
          aria-describedby={`${guestsId}-hint`}
        />
        <div>
          <label htmlFor={guestsId} className="text-sm font-semibold">
            Guests may join the call
          </label>
          <p id={`${guestsId}-hint`} className="text-sm text-ink-muted">
            People without an account join by entering a name on the call page.
          </p>
        </div>
      </div>
      <div className="flex flex-col gap-4">
        <SelectField
          label="Who may record"
          options={roleOptions(draft.record_role)}
          value={draft.record_role}
          disabled={!atLeast(by, group.settings.record_role)}
          onChange={(v) => setDraft({ ...draft, record_role: v as Role })}
        />
        <SelectField
          label="Who may invite"
          options={roleOptions(draft.invite_role)}
          value={draft.invite_role}
          disabled={!atLeast(by, group.settings.invite_role)}
          onChange={(v) => setDraft({ ...draft, invite_role: v as Role })}
        />
        <TextField
          label="Most people in a call"
          hint={`From ${MIN_PARTICIPANTS} to ${MAX_PARTICIPANTS}.`}
          inputMode="numeric"
          value={maxText}
          error={maxError}
          onChange={(e) => setMaxText(e.target.value)}
        />
        <SelectField
          label="Layout when joining"
          options={LAYOUTS}
          value={draft.default_layout}
          onChange={(v) => setDraft({ ...draft, default_layout: v as DefaultLayout })}
        />
        <SelectField
          label="Recording quality"
          hint="How recordings are encoded once a recorded call stops."
          options={QUALITIES}
          value={draft.recording_quality}
          onChange={(v) => setDraft({ ...draft, recording_quality: v as RecordingQuality })}
        />
      </div>
      <Button type="submit" aria-disabled={action.pending || undefined} className="self-start">
        Save settings
      </Button>
      <LiveMessage message={action.message} />
    </form>
  );
}

/** The fields of `next` that differ from `current`. */
export function settingsPatch(current: GroupSettings, next: GroupSettings): SettingsPatch {
  const patch: SettingsPatch = {};
  if (next.guests_allowed !== current.guests_allowed) patch.guests_allowed = next.guests_allowed;
  if (next.record_role !== current.record_role) patch.record_role = next.record_role;
  if (next.invite_role !== current.invite_role) patch.invite_role = next.invite_role;
  if (next.max_participants !== current.max_participants) patch.max_participants = next.max_participants;
  if (next.default_layout !== current.default_layout) patch.default_layout = next.default_layout;
  if (next.recording_quality !== current.recording_quality) patch.recording_quality = next.recording_quality;
  return patch;
}

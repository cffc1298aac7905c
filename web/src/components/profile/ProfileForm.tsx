import { type FormEvent, useState } from "react";
import type { ProfileView } from "../../api/generated";
import { useAction } from "../../hooks/useAction";
import { useDeviceLabels } from "../../hooks/useDeviceLabels";
import { displayNameError } from "../../lib/displayName";
import type { ProfilePatch, VideoQuality } from "../../protocol/generated";
import { MAX_DISPLAY_NAME_CHARS } from "../../protocol/generated";
import { Button } from "../ui/Button";
import { LiveMessage } from "../ui/LiveMessage";
import { SelectField, type SelectOption } from "../ui/SelectField";
import { TextField } from "../ui/TextField";

const QUALITIES: { value: VideoQuality; label: string }[] = [
  { value: "auto", label: "Automatic" },
  { value: "low", label: "Low, to save data" },
  { value: "standard", label: "Standard" },
  { value: "high", label: "High" },
];

type Draft = { display_name: string; avatar_url: string; camera: string; microphone: string; video_quality: VideoQuality };

function draftOf(profile: ProfileView): Draft {
  return {
    display_name: profile.display_name,
    avatar_url: profile.avatar_url ?? "",
    camera: profile.preferences.camera ?? "",
    microphone: profile.preferences.microphone ?? "",
    video_quality: profile.preferences.video_quality,
  };
}

/** The fields of `next` that differ from `profile` ("" clears avatar and devices). */
export function profilePatch(profile: ProfileView, next: Draft): ProfilePatch {
  const before = draftOf(profile);
  const patch: ProfilePatch = {};
  if (next.display_name.trim() !== before.display_name) patch.display_name = next.display_name.trim();
  if (next.avatar_url.trim() !== before.avatar_url) patch.avatar_url = next.avatar_url.trim();
  if (next.camera !== before.camera) patch.camera = next.camera;
  if (next.microphone !== before.microphone) patch.microphone = next.microphone;
  if (next.video_quality !== before.video_quality) patch.video_quality = next.video_quality;
  return patch;
}

/** Options for a device: "No preference", the devices present, and the saved one if it is absent now. */
function deviceOptions(labels: string[], saved: string): SelectOption[] {
  const names = saved !== "" && !labels.includes(saved) ? [...labels, saved] : labels;
  return [{ value: "", label: "No preference" }, ...names.map((label) => ({ value: label, label: label === saved && !labels.includes(saved) ? `${label} (not connected)` : label }))];
}

type Props = { profile: ProfileView; save(patch: ProfilePatch): Promise<ProfileView>; onSaved(profile: ProfileView): void };

/** Name, avatar and call preferences; sends only what changed. */
export function ProfileForm({ profile, save, onSaved }: Props) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(profile));
  const [nameError, setNameError] = useState<string | null>(null);
  const devices = useDeviceLabels();
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const error = displayNameError(draft.display_name);
    setNameError(error);
    if (error) return;
    const patch = profilePatch(profile, draft);
    if (Object.keys(patch).length === 0) {
      void action.run(async () => undefined, "Nothing changed.");
      return;
    }
    const saved = await action.run(() => save(patch), "Profile saved.");
    if (saved) onSaved(saved);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="flex flex-col gap-5">
      <TextField
        label="Display name"
        hint="Shown to others in groups and calls."
        autoComplete="name"
        maxLength={MAX_DISPLAY_NAME_CHARS * 2}
        value={draft.display_name}
        error={nameError}
        onChange={(e) => setDraft({ ...draft, display_name: e.target.value })}
      />
      <TextField
        label="Avatar URL"
        hint="The address of your Google or GitHub profile picture, shown next to your name in groups. Leave empty to show your initials."
        type="url"
        inputMode="url"
        autoComplete="photo"
        value={draft.avatar_url}
        onChange={(e) => setDraft({ ...draft, avatar_url: e.target.value })}
      />
      <fieldset className="flex flex-col gap-4">
        <legend className="mb-3 text-base font-bold">Call preferences</legend>
        {!devices.labelled ? (
          <div className="flex flex-wrap items-center gap-3 text-sm text-ink-muted">
            <span>Your browser shows device names only after you allow camera and microphone access.</span>
            <Button variant="secondary" onClick={() => void devices.requestAccess()}>
              Show device names
            </Button>
          </div>
        ) : null}
        {devices.problem ? <p className="text-sm text-warning">{devices.problem}</p> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Preferred camera" options={deviceOptions(devices.cameras, draft.camera)} value={draft.camera} onChange={(camera) => setDraft({ ...draft, camera })} />
          <SelectField
            label="Preferred microphone"
            options={deviceOptions(devices.microphones, draft.microphone)}
            value={draft.microphone}
            onChange={(microphone) => setDraft({ ...draft, microphone })}
          />
          <SelectField
            label="Video quality"
            options={QUALITIES}
            value={draft.video_quality}
            onChange={(q) => setDraft({ ...draft, video_quality: q as VideoQuality })}
            className="sm:col-span-2"
          />
        </div>
      </fieldset>
      <Button type="submit" aria-disabled={action.pending || undefined} className="self-start">
        Save profile
      </Button>
      <LiveMessage message={action.message} />
    </form>
  );
}

import { Pencil } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import type { GroupPatch, GroupView } from "../../api/generated";
import { useAction } from "../../hooks/useAction";
import { canManage } from "../../lib/roles";
import { Button } from "../ui/Button";
import { LiveMessage } from "../ui/LiveMessage";
import { TextAreaField } from "../ui/TextAreaField";
import { TextField } from "../ui/TextField";
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX } from "./NewGroupForm";
import { RoleBadge } from "./RoleBadge";

type Props = { group: GroupView; save(patch: GroupPatch): Promise<GroupView>; onSaved(group: GroupView): void };

/** The group's name and description as the page heading; admins and owners can edit both. */
export function GroupDetails({ group, save, onSaved }: Props) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const editRef = useRef<HTMLButtonElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const startEditing = () => {
    setName(group.name);
    setDescription(group.description);
    action.clear();
    setEditing(true);
    requestAnimationFrame(() => nameRef.current?.focus());
  };
  const stopEditing = () => {
    setEditing(false);
    requestAnimationFrame(() => editRef.current?.focus());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: GroupPatch = {};
    if (name.trim() !== group.name) patch.name = name.trim();
    if (description.trim() !== group.description) patch.description = description.trim();
    if (Object.keys(patch).length === 0) {
      stopEditing();
      return;
    }
    const saved = await action.run(() => save(patch), "Saved.");
    if (saved) {
      onSaved(saved);
      stopEditing();
    }
  };

  const form = (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Edit group" className="flex flex-col gap-4 rounded-card border border-line bg-surface-1 p-5 sm:p-6">
      <h1 className="sr-only">{group.name}</h1>
      <TextField label="Group name" value={name} maxLength={GROUP_NAME_MAX} inputRef={nameRef} onChange={(e) => setName(e.target.value)} />
      <TextAreaField label="Description" value={description} maxLength={GROUP_DESCRIPTION_MAX} onChange={(e) => setDescription(e.target.value)} />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" aria-disabled={action.pending || undefined}>
          Save
        </Button>
        <Button variant="secondary" onClick={stopEditing}>
          Cancel
        </Button>
      </div>
    </form>
  );

  const view = (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-3xl font-bold tracking-tight break-words sm:text-4xl">{group.name}</h1>
          <RoleBadge role={group.role} you />
        </div>
        <p className="mt-2 text-base whitespace-pre-line text-ink-muted">{group.description || "No description."}</p>
      </div>
      {canManage(group.role) ? (
        <Button ref={editRef} variant="secondary" icon={<Pencil className="size-4" />} onClick={startEditing} className="self-start">
          Edit details
        </Button>
      ) : null}
    </div>
  );

  return (
    <div>
      {editing ? form : view}
      <LiveMessage message={action.message} className="mt-3" />
    </div>
  );
}

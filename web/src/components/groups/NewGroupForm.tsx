import { Plus } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import type { CreateGroup, GroupView } from "../../api/generated";
import { useAction } from "../../hooks/useAction";
import { Button } from "../ui/Button";
import { LiveMessage } from "../ui/LiveMessage";
import { TextAreaField } from "../ui/TextAreaField";
import { TextField } from "../ui/TextField";

/** Limits of the server (core/src/groups/naming.rs). */
export const GROUP_NAME_MAX = 80;
export const GROUP_DESCRIPTION_MAX = 500;

/** "New group": name and description; calls `onCreated` with the group the server made. */
export function NewGroupForm({ create, onCreated }: { create(body: CreateGroup): Promise<GroupView>; onCreated(group: GroupView): void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") {
      setNameError("Give the group a name.");
      nameRef.current?.focus();
      return;
    }
    const body: CreateGroup = { name: name.trim() };
    if (description.trim() !== "") body.description = description.trim();
    const group = await action.run(() => create(body));
    if (group) onCreated(group);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="flex flex-col gap-4">
      <TextField
        label="Group name"
        value={name}
        maxLength={GROUP_NAME_MAX}
        error={nameError}
        inputRef={nameRef}
        onChange={(e) => {
          setName(e.target.value);
          if (nameError) setNameError(null);
        }}
      />
      <TextAreaField
        label="Description"
        hint="Optional: what the group is for."
        value={description}
        maxLength={GROUP_DESCRIPTION_MAX}
        onChange={(e) => setDescription(e.target.value)}
      />
      <Button type="submit" icon={<Plus className="size-4" />} aria-disabled={action.pending || undefined} className="self-start">
        Create group
      </Button>
      <LiveMessage message={action.message} />
    </form>
  );
}

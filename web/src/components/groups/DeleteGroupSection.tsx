import { Trash2 } from "lucide-react";
import { useAction } from "../../hooks/useAction";
import { ConfirmButton } from "../ui/ConfirmButton";
import { LiveMessage } from "../ui/LiveMessage";
import { Section } from "../ui/Section";

/** Deleting the group, for owners, after confirming. */
export function DeleteGroupSection({ groupName, remove, onDeleted }: { groupName: string; remove(): Promise<void>; onDeleted(): void }) {
  const action = useAction();
  const confirm = async () => {
    const done = await action.run(() => remove().then(() => true));
    if (done) onDeleted();
  };
  return (
    <Section title="Delete group" description="Deleting removes the group with its members, invite links and call history. This can't be undone.">
      <ConfirmButton
        label="Delete group"
        icon={<Trash2 className="size-4" />}
        title={`Delete ${groupName}?`}
        confirmLabel="Delete group"
        disabled={action.pending}
        onConfirm={() => void confirm()}
      >
        Everyone loses access to the group and its call history. This can&apos;t be undone.
      </ConfirmButton>
      <LiveMessage message={action.message} className="mt-3" />
    </Section>
  );
}

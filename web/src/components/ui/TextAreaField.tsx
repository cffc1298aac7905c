import { type TextareaHTMLAttributes, useId } from "react";
import { FieldLabel, hintId as hintIdOf } from "./FieldLabel";

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & { label: string; hint?: string };

/** A labelled multi-line text box. */
export function TextAreaField({ label, hint, className = "", ...textarea }: Props) {
  const id = useId();
  const hintId = hintIdOf(id);
  return (
    <div className={className}>
      <FieldLabel fieldId={id} label={label} hint={hint} />
      <textarea
        id={id}
        rows={3}
        aria-describedby={hint ? hintId : undefined}
        className="mt-1.5 w-full rounded-control border border-line-strong bg-surface-1 px-3.5 py-2.5 text-base text-ink placeholder:text-ink-muted/80"
        {...textarea}
      />
    </div>
  );
}

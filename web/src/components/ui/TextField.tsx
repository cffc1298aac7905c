import { type InputHTMLAttributes, type Ref, useId } from "react";
import { FieldLabel, hintId as hintIdOf } from "./FieldLabel";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  hint?: string;
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
};

/** A labelled text input with an optional hint and an inline error tied to it. */
export function TextField({ label, hint, error, inputRef, className = "", ...input }: Props) {
  const id = useId();
  const hintId = hintIdOf(id);
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <FieldLabel fieldId={id} label={label} hint={hint} />
      <input
        ref={inputRef}
        id={id}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1.5 min-h-12 w-full rounded-control border bg-surface-1 px-3.5 text-base text-ink placeholder:text-ink-muted/80 ${error ? "border-danger-soft" : "border-line-strong"}`}
        {...input}
      />
      <p id={errorId} className="mt-1.5 text-sm font-medium text-danger-soft empty:hidden">
        {error}
      </p>
    </div>
  );
}

import { type TextareaHTMLAttributes, useId } from "react";

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & { label: string; hint?: string };

/** A labelled multi-line text box. */
export function TextAreaField({ label, hint, className = "", ...textarea }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-semibold">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-ink-muted">
          {hint}
        </p>
      ) : null}
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

import { type SelectHTMLAttributes, useId } from "react";
import { FieldLabel, hintId as hintIdOf } from "./FieldLabel";

export type SelectOption = { value: string; label: string };

type Props = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "onChange"> & {
  label: string;
  hint?: string;
  options: readonly SelectOption[];
  value: string;
  onChange(value: string): void;
};

/** A labelled native select. */
export function SelectField({ label, hint, options, value, onChange, className = "", ...select }: Props) {
  const id = useId();
  const hintId = hintIdOf(id);
  return (
    <div className={className}>
      <FieldLabel fieldId={id} label={label} hint={hint} />
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hint ? hintId : undefined}
        className="mt-1.5 min-h-12 w-full rounded-control border border-line-strong bg-surface-1 px-3 text-base text-ink disabled:text-ink-muted"
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

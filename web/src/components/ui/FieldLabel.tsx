/** The id of a field's hint paragraph, for `aria-describedby`. */
export function hintId(fieldId: string): string {
  return `${fieldId}-hint`;
}

/** A form field's label and optional hint, shared by the text, select and text-area fields. */
export function FieldLabel({ fieldId, label, hint }: { fieldId: string; label: string; hint?: string }) {
  return (
    <>
      <label htmlFor={fieldId} className="block text-sm font-semibold">
        {label}
      </label>
      {hint ? (
        <p id={hintId(fieldId)} className="mt-1 text-sm text-ink-muted">
          {hint}
        </p>
      ) : null}
    </>
  );
}

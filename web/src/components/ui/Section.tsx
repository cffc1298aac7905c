import { type ReactNode, useId } from "react";

/** A card with a heading that names it for assistive technology. */
export function Section({ title, description, children, className = "" }: { title: string; description?: ReactNode; children: ReactNode; className?: string }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={`rounded-card border border-line bg-surface-1 p-5 sm:p-6 ${className}`}>
      <h2 id={headingId} className="text-lg font-bold tracking-tight">
        {title}
      </h2>
      {description ? <div className="mt-1 text-sm text-ink-muted">{description}</div> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

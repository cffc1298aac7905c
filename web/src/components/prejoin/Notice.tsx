import { CircleAlert, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";

/** A boxed message with a heading: "warning" for problems people can work around, "error" for blockers. */
export function Notice({ tone, title, children, action }: { tone: "warning" | "error"; title: string; children: ReactNode; action?: ReactNode }) {
  const Icon = tone === "error" ? CircleAlert : TriangleAlert;
  const styles = tone === "error" ? "border-danger-soft/60 bg-danger-surface" : "border-warning/50 bg-warning-surface";
  return (
    <div className={`flex gap-3 rounded-control border p-4 ${styles}`}>
      <Icon aria-hidden="true" className={`mt-0.5 size-5 shrink-0 ${tone === "error" ? "text-danger-soft" : "text-warning"}`} />
      <div className="min-w-0 flex-1">
        <h2 className="text-sm font-semibold">{title}</h2>
        <div className="mt-1 text-sm text-ink-muted">{children}</div>
        {action ? <div className="mt-3">{action}</div> : null}
      </div>
    </div>
  );
}

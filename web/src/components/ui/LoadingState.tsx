import { LoaderCircle } from "lucide-react";

/** A spinner with a text, announced politely. */
export function LoadingState({ label }: { label: string }) {
  return (
    <p role="status" className="flex items-center gap-3 py-8 text-base text-ink-muted">
      <LoaderCircle aria-hidden="true" className="size-5 motion-safe:animate-spin" />
      {label}
    </p>
  );
}

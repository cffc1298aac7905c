/** The PeerShare mark and name; `compact` hides the name (for screen readers too) on phones. */
export function Logo({ className = "", compact = false }: { className?: string; compact?: boolean }) {
  return (
    <span className={`inline-flex items-center gap-2.5 text-lg font-bold tracking-tight text-ink ${className}`}>
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-8">
        <rect width="32" height="32" rx="8" fill="#2563eb" />
        <path d="M7 11.5A2.5 2.5 0 0 1 9.5 9h9a2.5 2.5 0 0 1 2.5 2.5v9a2.5 2.5 0 0 1-2.5 2.5h-9A2.5 2.5 0 0 1 7 20.5z" fill="#fff" />
        <path d="m21 14 4.2-2.8a.5.5 0 0 1 .8.4v8.8a.5.5 0 0 1-.8.4L21 18z" fill="#fff" />
      </svg>
      <span className={compact ? "max-sm:sr-only" : undefined}>PeerShare</span>
    </span>
  );
}

import { initialsOf } from "../../lib/displayName";

const COLOURS = ["bg-avatar-1", "bg-avatar-2", "bg-avatar-3", "bg-avatar-4", "bg-avatar-5", "bg-avatar-6"];

/** A stable colour per name, so people keep their colour across tiles and reconnects. */
function colourFor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return COLOURS[hash % COLOURS.length] ?? "bg-avatar-1";
}

const DIMS = {
  lg: "size-[clamp(3.5rem,22%,7rem)] text-[clamp(1.25rem,5vw,2.5rem)]",
  md: "size-16 text-2xl",
  sm: "size-10 text-base",
};

export function Avatar({ name, size = "lg" }: { name: string; size?: keyof typeof DIMS }) {
  const dims = DIMS[size];
  return (
    <div
      aria-hidden="true"
      className={`flex aspect-square items-center justify-center rounded-full font-semibold text-white select-none ${dims} ${colourFor(name)}`}
    >
      {initialsOf(name)}
    </div>
  );
}

import { useState } from "react";
import { initialsOf } from "../../lib/displayName";

const COLOURS = ["bg-avatar-1", "bg-avatar-2", "bg-avatar-3", "bg-avatar-4", "bg-avatar-5", "bg-avatar-6"];

/** A stable colour per name, so people keep their colour across tiles and reconnects. */
function colourFor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return COLOURS[hash % COLOURS.length] ?? "bg-avatar-1";
}

const DIMS = {
  // Width only: a percentage height would follow the tile's height and squash the circle.
  lg: "w-[clamp(3.5rem,22%,7rem)] aspect-square text-[clamp(1.25rem,5vw,2.5rem)]",
  md: "size-16 text-2xl",
  sm: "size-10 text-base",
};

type Props = {
  name: string;
  size?: keyof typeof DIMS;
  /** The person's picture (an https URL); their initials show until it loads, or if it fails. */
  imageUrl?: string | null;
};

/** A person's picture, or their initials on a colour of their own. Decorative: the name is always next to it. */
export function Avatar({ name, size = "lg", imageUrl }: Props) {
  const dims = DIMS[size];
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  if (imageUrl && imageUrl.startsWith("https://") && failedUrl !== imageUrl) {
    return (
      <img
        src={imageUrl}
        alt=""
        aria-hidden="true"
        referrerPolicy="no-referrer"
        loading="lazy"
        onError={() => setFailedUrl(imageUrl)}
        className={`aspect-square rounded-full object-cover ${dims} ${colourFor(name)}`}
      />
    );
  }
  return (
    <div
      aria-hidden="true"
      className={`flex aspect-square items-center justify-center rounded-full font-semibold text-white select-none ${dims} ${colourFor(name)}`}
    >
      {initialsOf(name)}
    </div>
  );
}

import { Mic, MicOff, Video, VideoOff } from "lucide-react";

type Props = {
  kind: "microphone" | "camera";
  on: boolean;
  /** The device is missing or blocked: the toggle is shown but cannot be used. */
  unavailable?: boolean;
  onChange(on: boolean): void;
  /** "round" for the call's control bar, "overlay" on the pre-join preview. */
  look?: "round" | "overlay";
  /** Keyboard shortcut, in aria-keyshortcuts form (e.g. "Control+D"). */
  shortcut?: string;
};

/**
 * The accessible name says what pressing does ("Mute microphone"); aria-pressed is true while
 * the microphone is muted / the camera is off, as for a mute button.
 */
export function toggleLabel(kind: Props["kind"], on: boolean): string {
  if (kind === "microphone") return on ? "Mute microphone" : "Unmute microphone";
  return on ? "Turn off camera" : "Turn on camera";
}

export function MediaToggle({ kind, on, unavailable = false, onChange, look = "round", shortcut }: Props) {
  const active = on && !unavailable;
  const Icon = kind === "microphone" ? (active ? Mic : MicOff) : active ? Video : VideoOff;
  const label = toggleLabel(kind, active);
  const base =
    "relative inline-flex size-control items-center justify-center rounded-full transition-colors duration-150 disabled:cursor-not-allowed disabled:opacity-60";
  const colours = active
    ? look === "overlay"
      ? "bg-surface-0/60 text-white ring-1 ring-white/50 backdrop-blur hover:bg-surface-0/80"
      : "bg-surface-3 text-ink hover:bg-surface-4"
    : "bg-danger text-white hover:bg-danger-hover";
  return (
    <button
      type="button"
      className={`${base} ${colours}`}
      aria-pressed={!active}
      disabled={unavailable}
      aria-keyshortcuts={shortcut}
      title={unavailable ? `No ${kind} available` : shortcut ? `${label} (${shortcut.replace("Control", "Ctrl")})` : label}
      onClick={() => onChange(!on)}
    >
      <Icon aria-hidden="true" className="size-6" strokeWidth={2} />
      <span className="sr-only">{label}</span>
    </button>
  );
}

import { Circle, Square } from "lucide-react";
import { useId, useState } from "react";
import type { RecordingControl } from "../../lib/recording";

type Props = {
  control: RecordingControl;
  onStart(): void;
  onStop(): void;
};

/**
 * "Start recording", or "Stop recording" while a recording runs or is being asked for. When it
 * cannot be used (a link call, a guest, someone who may not stop it) it stays in the bar,
 * marked unavailable, and says why: in its description, and visibly once pressed.
 */
export function RecordButton({ control, onStart, onStop }: Props) {
  const [explaining, setExplaining] = useState(false);
  const reasonId = useId();
  const label = control.action === "start" ? "Start recording" : "Stop recording";
  const reason = control.usable ? null : control.reason;
  const Icon = control.action === "start" ? Circle : Square;
  const colours =
    control.action === "stop" && control.usable ? "bg-danger text-white hover:bg-danger-hover" : "bg-surface-3 text-ink hover:bg-surface-4";

  const press = () => {
    if (reason) {
      setExplaining((shown) => !shown);
      return;
    }
    if (control.action === "start") onStart();
    else onStop();
  };

  return (
    <div className="relative">
      <button
        type="button"
        onClick={press}
        onBlur={() => setExplaining(false)}
        aria-disabled={reason ? true : undefined}
        aria-describedby={reason ? reasonId : undefined}
        title={reason ? undefined : label}
        className={`inline-flex size-control items-center justify-center rounded-full transition-colors duration-150 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 ${colours}`}
      >
        <Icon aria-hidden="true" className={`size-6 ${control.action === "start" ? "fill-danger text-danger" : "fill-current"}`} />
        <span className="sr-only">{label}</span>
      </button>
      {reason ? (
        <p
          id={reasonId}
          hidden={!explaining}
          className="absolute bottom-full left-1/2 z-10 mb-3 w-64 -translate-x-1/2 rounded-control border border-line-strong bg-surface-2 px-3 py-2 text-sm text-ink shadow-xl shadow-black/40"
        >
          {reason}
        </p>
      ) : null}
    </div>
  );
}

import { Button } from "../ui/Button";
import type { RecordingUi } from "../../lib/recording";
import { RecordingIndicator } from "./RecordingIndicator";

type Props = {
  ui: RecordingUi;
  /** Whether the viewer's consent prompt is closed while they are still asked. */
  promptDismissed: boolean;
  onAnswer(allow: boolean): void;
  /** Opens the consent prompt again. */
  onReopenPrompt(): void;
};

/**
 * The call's recording, for everyone: "REC" while recording, "Waiting for everyone to agree…"
 * while asking, and whether the viewer is recorded, with the way to change that.
 */
export function RecordingBar({ ui, promptDismissed, onAnswer, onReopenPrompt }: Props) {
  if (ui.phase === "idle") return null;
  const recording = ui.phase === "recording" && ui.sinceMs !== null;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-control bg-surface-1 px-4 py-2 text-sm">
      {recording ? <RecordingIndicator sinceMs={ui.sinceMs ?? 0} /> : <p className="font-medium text-warning">Waiting for everyone to agree…</p>}
      <MyConsent ui={ui} promptDismissed={promptDismissed} onAnswer={onAnswer} onReopenPrompt={onReopenPrompt} />
    </div>
  );
}

function MyConsent({ ui, promptDismissed, onAnswer, onReopenPrompt }: Props) {
  if (ui.phase === "asking") {
    if (ui.me !== "waiting" || !promptDismissed) return <p className="text-ink-muted">{ui.agreed} of {ui.asked} agreed</p>;
    return (
      <div className="flex flex-wrap items-center gap-3">
        <p className="text-ink-muted">You haven&apos;t answered yet.</p>
        <Button variant="secondary" onClick={onReopenPrompt}>
          Answer
        </Button>
      </div>
    );
  }
  // Recording. While the prompt is open it speaks for itself.
  if (ui.me === "waiting" && !promptDismissed) return null;
  if (ui.me === "recorded") {
    return (
      <div className="flex flex-wrap items-center gap-3">
        <p className="text-ink-muted">You are being recorded.</p>
        <Button variant="ghost" onClick={() => onAnswer(false)}>
          Don&apos;t record me
        </Button>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-3">
      <p className="text-ink-muted">You are not being recorded.</p>
      <Button variant="secondary" onClick={() => onAnswer(true)}>
        Allow recording
      </Button>
    </div>
  );
}

import { useEffect, useId, useRef } from "react";
import type { RecordingView } from "../../protocol/generated";
import { Button } from "../ui/Button";

type Props = {
  open: boolean;
  phase: RecordingView["phase"];
  /** Who asked to record. */
  askerName: string;
  onAnswer(allow: boolean): void;
  /** Closed without an answer (Escape): nothing is recorded of the viewer meanwhile. */
  onDismiss(): void;
};

/**
 * Asks the viewer whether they agree to be recorded. A modal dialog: focus moves into it (onto
 * the dialog itself, so Enter answers nothing by accident); Escape closes it without an answer,
 * which never counts as consent.
 */
export function RecordingConsentDialog({ open, phase, askerName, onAnswer, onDismiss }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      dialog.focus();
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      tabIndex={-1}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        onDismiss();
      }}
      className="m-auto w-[min(32rem,calc(100%-2rem))] rounded-card border border-line bg-surface-1 p-6 text-ink shadow-2xl shadow-black/50 backdrop:bg-black/60"
    >
      <h2 id={titleId} className="text-xl font-bold tracking-tight">
        {phase === "recording" ? "This call is being recorded" : "Record this call?"}
      </h2>
      <div id={bodyId} className="mt-2 flex flex-col gap-2 text-base text-ink-muted">
        {phase === "recording" ? (
          <p>
            {askerName} is recording this call. You are not recorded unless you allow it. If you decline, you stay in the call and nothing of yours is
            recorded.
          </p>
        ) : (
          <p>{askerName} wants to record this call. Nothing is recorded until everyone agrees; if you decline, nobody is recorded.</p>
        )}
        <p>If you allow it, your camera, microphone and shared screen are recorded, and the group&apos;s members can download the recording.</p>
      </div>
      <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={() => onAnswer(false)}>
          Decline
        </Button>
        <Button onClick={() => onAnswer(true)}>Allow recording</Button>
      </div>
    </dialog>
  );
}

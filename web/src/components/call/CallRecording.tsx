import { useState } from "react";
import type { RemoteParticipant } from "../../call/callSession";
import type { RecordingUi } from "../../lib/recording";
import { RecordingAnnouncer } from "./RecordingAnnouncer";
import { RecordingBar } from "./RecordingBar";
import { RecordingConsentDialog } from "./RecordingConsentDialog";

type Props = {
  ui: RecordingUi;
  participants: RemoteParticipant[];
  onAnswer(allow: boolean): void;
};

/** The recording's bar, its announcements, and the prompt asking the viewer to agree. */
export function CallRecording({ ui, participants, onAnswer }: Props) {
  // The question the viewer closed without answering (Escape), so it is not forced open again.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const question = ui.phase === "idle" ? null : `${ui.phase}:${ui.sinceMs ?? ""}`;
  const promptDismissed = question !== null && dismissed === question;
  const askerName = participants.find((p) => p.id === ui.startedBy)?.displayName ?? "Someone";

  return (
    <>
      <RecordingAnnouncer phase={ui.phase} />
      <RecordingBar ui={ui} promptDismissed={promptDismissed} onAnswer={onAnswer} onReopenPrompt={() => setDismissed(null)} />
      {ui.phase !== "idle" ? (
        <RecordingConsentDialog
          open={ui.me === "waiting" && !promptDismissed}
          phase={ui.phase}
          askerName={askerName}
          onAnswer={onAnswer}
          onDismiss={() => setDismissed(question)}
        />
      ) : null}
    </>
  );
}

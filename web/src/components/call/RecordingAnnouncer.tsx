import { useState } from "react";
import { type RecordingUi, recordingAnnouncement } from "../../lib/recording";

/** A polite live region saying when someone asks to record, and when recording starts or stops. */
export function RecordingAnnouncer({ phase }: { phase: RecordingUi["phase"] }) {
  const [seen, setSeen] = useState(phase);
  const [text, setText] = useState("");
  if (phase !== seen) {
    setSeen(phase);
    setText(recordingAnnouncement(seen, phase));
  }
  return (
    <p role="status" aria-live="polite" className="sr-only">
      {text}
    </p>
  );
}

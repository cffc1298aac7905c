import { LoaderCircle, Users, X } from "lucide-react";
import { useEffect, useState } from "react";
import type { UseCall } from "../../hooks/useCall";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";
import { isGroupCall } from "../../lib/callId";
import { mediaNodeMessage, participantCountLabel } from "../../lib/callStatus";
import { recordingUi } from "../../lib/recording";
import { effectiveMedia } from "../../media/localMedia";
import { CopyLinkButton } from "../ui/CopyLinkButton";
import { CallErrorPanel } from "./CallErrorPanel";
import { CallRecording } from "./CallRecording";
import { ChatButton } from "./ChatButton";
import { ChatPanel } from "./ChatPanel";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { ControlsBar } from "./ControlsBar";
import { DeviceSettings } from "./DeviceSettings";
import { RecordButton } from "./RecordButton";
import { VideoGrid } from "./VideoGrid";

type Props = {
  callId: string;
  shareUrl: string;
  name: string;
  call: UseCall;
  local: UseLocalMedia;
  onLeave(): void;
  onRejoin(): void;
  onHome(): void;
};

export function CallScreen({ callId, shareUrl, name, call, local, onLeave, onRejoin, onHome }: Props) {
  const selfMedia = effectiveMedia(local);
  const count = call.participants.length + 1;
  const alone = call.status === "connected" && call.participants.length === 0;
  const ended = call.status === "disconnected" && call.error !== null;
  const { controller, micOn, cameraOn } = local;
  const [chatOpen, setChatOpen] = useState(false);
  // The latest message there was when the chat was last closed; others' later ones are unread.
  const [seenSeq, setSeenSeq] = useState(0);
  const lastSeq = call.chat.at(-1)?.seq ?? 0;
  const unread = chatOpen ? 0 : call.chat.filter((m) => m.seq > seenSeq && m.from !== call.selfId).length;
  const closeChat = () => {
    setSeenSeq(lastSeq);
    setChatOpen(false);
  };
  const recording = recordingUi(call.recording, {
    id: call.selfId,
    role: call.selfRole,
    groupCall: isGroupCall(callId),
    recordRole: call.recordRole,
  });

  // Ctrl/Cmd+D toggles the microphone and Ctrl/Cmd+E the camera, as in other call apps.
  useEffect(() => {
    if (ended) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key === "d") controller.setMicOn(!micOn);
      else if (key === "e") controller.setCameraOn(!cameraOn);
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [controller, micOn, cameraOn, ended]);

  return (
    <div className="flex h-dvh flex-col bg-surface-0">
      <header className="px-4 pt-3 pb-2 sm:px-6">
        <div className="flex items-center justify-between gap-3">
          <div className="flex min-w-0 items-center gap-4">
            <h1 className="sr-only">Call {callId}</h1>
            <span aria-hidden="true" className="hidden truncate font-mono text-sm text-ink-muted sm:inline">
              {callId}
            </span>
            <ConnectionIndicator status={call.status} latencyMs={call.latencyMs} mode={call.mode} switching={call.switching} />
          </div>
          {ended ? null : (
            <p className="flex shrink-0 items-center gap-2 text-sm font-medium">
              <Users aria-hidden="true" className="size-4 text-ink-muted" />
              {participantCountLabel(count)}
            </p>
          )}
        </div>
        {ended ? null : <CallRecording ui={recording} participants={call.participants} onAnswer={call.answerRecording} />}
      </header>

      {call.notice ? (
        <div role="alert" className="mx-4 mb-2 flex items-start gap-3 rounded-control border border-warning/50 bg-warning-surface px-4 py-2.5 text-sm sm:mx-6">
          <p className="flex-1 py-1">{call.notice}</p>
          <button
            type="button"
            onClick={call.dismissNotice}
            className="-my-1 -mr-2 inline-flex size-tap shrink-0 items-center justify-center rounded-control hover:bg-surface-3"
          >
            <X aria-hidden="true" className="size-5" />
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ) : null}

      {/* Always rendered, so screen readers announce the line when it appears. */}
      <div aria-live="polite">
        {mediaNodeMessage(call.mediaNode) && !ended ? (
          <div className="mx-4 mb-2 flex items-center gap-3 rounded-control border border-line bg-surface-1 px-4 py-2.5 text-sm sm:mx-6">
            <LoaderCircle aria-hidden="true" className="size-4 shrink-0 motion-safe:animate-spin" />
            <p>{mediaNodeMessage(call.mediaNode)}</p>
          </div>
        ) : null}
      </div>

      {alone ? (
        <div className="mx-4 mb-2 flex flex-wrap items-center justify-center gap-x-4 gap-y-2 rounded-control bg-surface-1 px-4 py-2.5 text-sm sm:mx-6">
          <p className="text-ink-muted">You&apos;re the only one here. Share the link to invite someone.</p>
          <CopyLinkButton url={shareUrl} variant="ghost" />
        </div>
      ) : null}

      <main className="flex min-h-0 flex-1 gap-3 px-3 sm:px-6">
        {ended && call.error ? (
          <CallErrorPanel problem={call.error} onRejoin={onRejoin} onHome={onHome} />
        ) : (
          <>
            <div className="min-w-0 flex-1">
              <VideoGrid
                self={{ name, stream: local.stream, media: selfMedia }}
                participants={call.participants}
                onViewport={call.setViewport}
              />
            </div>
            {chatOpen ? (
              <ChatPanel
                messages={call.chat}
                selfId={call.selfId}
                error={call.chatError}
                canSend={call.status === "connected"}
                onSend={call.sendChat}
                onClose={closeChat}
              />
            ) : null}
          </>
        )}
      </main>

      {ended ? null : (
        <footer className="px-4 pt-3 pb-[max(1rem,env(safe-area-inset-bottom))]">
          <ControlsBar
            micOn={local.micOn}
            cameraOn={local.cameraOn}
            hasAudio={local.hasAudio}
            hasVideo={local.hasVideo}
            onMicChange={(on) => local.controller.setMicOn(on)}
            onCameraChange={(on) => local.controller.setCameraOn(on)}
            onLeave={onLeave}
          >
            {call.status === "connected" ? <RecordButton control={recording.control} onStart={call.startRecording} onStop={call.stopRecording} /> : null}
            <ChatButton open={chatOpen} unread={unread} onToggle={() => (chatOpen ? closeChat() : setChatOpen(true))} />
            {local.supported ? <DeviceSettings local={local} /> : null}
          </ControlsBar>
        </footer>
      )}
    </div>
  );
}

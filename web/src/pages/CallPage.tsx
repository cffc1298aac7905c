import { useEffect, useMemo, useState } from "react";
import { Logo } from "../components/ui/Logo";
import { CallScreen } from "../components/call/CallScreen";
import { LeftScreen } from "../components/call/LeftScreen";
import { PreJoinScreen } from "../components/prejoin/PreJoinScreen";
import { useCall } from "../hooks/useCall";
import { useCallStatus } from "../hooks/useCallStatus";
import { useLocalMedia } from "../hooks/useLocalMedia";
import { checkBrowserSupport } from "../lib/browserSupport";
import { callPath } from "../lib/callId";
import { participantCountLabel } from "../lib/callStatus";
import { loadDisplayName, saveDisplayName } from "../lib/displayName";
import { effectiveMedia } from "../media/localMedia";
import { navigate } from "../routing";
import { useAuth } from "../auth/useAuth";

/** `/c/<id>`: pre-join, then the call, then "you left". Owns the call's state. */
export function CallPage({ callId }: { callId: string }) {
  const support = useMemo(() => checkBrowserSupport(), []);
  const local = useLocalMedia(support.canCapture);
  const media = effectiveMedia(local);
  const auth = useAuth();
  const call = useCall({ groupId: callId, accessToken: auth.accessToken, localStream: local.stream, media });
  const [name, setName] = useState(loadDisplayName);
  // Signed in: start from the profile's name (once per account; it stays editable).
  const [prefilledFor, setPrefilledFor] = useState<string | null>(null);
  if (auth.user && prefilledFor !== auth.user.id) {
    setPrefilledFor(auth.user.id);
    setName(auth.user.display_name);
  }
  const shareUrl = `${window.location.origin}${callPath(callId)}`;
  const phase = call.status === "idle" ? "prejoin" : call.status === "left" ? "left" : "call";
  const status = useCallStatus(callId, phase === "prejoin");

  useEffect(() => {
    const people = call.participants.length + 1;
    document.title =
      phase === "call" && call.status === "connected"
        ? `${participantCountLabel(people)} · ${callId} · PeerShare`
        : `Call ${callId} · PeerShare`;
  }, [phase, call.status, call.participants.length, callId]);

  const currentLocal = () => {
    const snapshot = local.controller.getSnapshot();
    return { stream: snapshot.stream, media: effectiveMedia(snapshot) };
  };

  const join = (displayName: string) => {
    saveDisplayName(displayName);
    setName(displayName);
    call.join(displayName, currentLocal);
  };

  const leave = () => {
    call.leave();
    local.controller.stop();
  };

  const rejoin = () => {
    const start = local.status === "ready" || !support.canCapture ? Promise.resolve() : local.controller.start();
    void start.then(() => call.join(name.trim(), currentLocal));
  };

  const home = () => {
    leave();
    navigate("/");
  };

  if (phase === "call") {
    return <CallScreen callId={callId} shareUrl={shareUrl} name={name} call={call} local={local} onLeave={leave} onRejoin={rejoin} onHome={home} />;
  }

  return (
    <div className="flex min-h-full flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center px-5 py-5 sm:px-8">
        <a
          href="/"
          className="rounded-control"
          onClick={(e) => {
            e.preventDefault();
            home();
          }}
        >
          <Logo />
          <span className="sr-only"> home</span>
        </a>
      </header>
      {phase === "left" ? (
        <LeftScreen onRejoin={rejoin} onHome={home} />
      ) : (
        <PreJoinScreen
          callId={callId}
          shareUrl={shareUrl}
          local={local}
          name={name}
          onNameChange={setName}
          onJoin={join}
          joining={call.preparing}
          status={status}
          support={support}
        />
      )}
    </div>
  );
}

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { fetchIceConfig } from "../api/callApi";
import { IceConfigSource } from "../call/iceConfigSource";
import { CallSession, type CallSnapshot } from "../call/callSession";
import { callSocketUrl } from "../call/signalingSocket";
import { CallPassSource } from "../api/callPass";
import { testHook } from "../call/testHook";
import type { MediaState } from "../protocol/generated";

/** How long joining waits for TURN credentials before going ahead without them. */
const ICE_WAIT_MS = 4000;

export type UseCall = CallSnapshot & {
  /** True between pressing Join and the connection starting (fetching ICE servers). */
  preparing: boolean;
  /** Joins with the local media `currentLocal` returns once the connection starts. */
  join(displayName: string, currentLocal: () => LocalMediaForCall): void;
  leave(): void;
  dismissNotice(): void;
  /** How large a participant's video is shown (device pixels; 0 when not shown). */
  setViewport(participantId: number, width: number, height: number): void;
  startRecording(): void;
  stopRecording(): void;
  /** Answers the question to record, or changes the answer while recording (false: withdraw). */
  answerRecording(allow: boolean): void;
  /** Sends a message to the call's chat. */
  sendChat(text: string): void;
};

export type LocalMediaForCall = { stream: MediaStream | null; media: MediaState };

type Options = {
  groupId: string;
  /** The signed-in person's access token for asking for call passes (null: a guest). */
  accessToken?: () => Promise<string | null>;
  localStream: MediaStream | null;
  media: MediaState;
};

/** Presence in call `groupId`: joining, leaving, and keeping the call in step with local media. */
export function useCall({ groupId, accessToken, localStream, media }: Options): UseCall {
  const [{ session, iceSource, setJoinedAs }] = useState(() => {
    const passes = new CallPassSource(groupId, accessToken);
    // TURN credentials are for holders of a call pass and expire with it: they are fetched
    // (and refreshed) with the pass of whoever joined, from the moment they join.
    let joinedAs = "";
    const setJoinedAs = (name: string) => {
      joinedAs = name;
    };
    const iceSource = new IceConfigSource(async (signal) => fetchIceConfig(await passes.get(joinedAs), signal));
    const session = new CallSession({
      url: callSocketUrl(groupId),
      hook: testHook(),
      getPass: (name) => passes.get(name),
      onPassRefused: () => passes.forget(),
      passRole: () => passes.role(),
      passRecordRole: () => passes.recordRole(),
    });
    return { session, iceSource, setJoinedAs };
  });
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [preparing, setPreparing] = useState(false);
  const mounted = useRef(false);

  useEffect(() => session.setLocalStream(localStream), [session, localStream]);
  useEffect(() => session.setMedia({ audio: media.audio, video: media.video }), [session, media.audio, media.video]);
  useEffect(() => iceSource.onChange((config) => session.updateIceConfiguration(config)), [session, iceSource]);

  useEffect(() => {
    mounted.current = true;
    const onOnline = () => session.retryNow();
    const onPageHide = () => session.leave();
    window.addEventListener("online", onOnline);
    window.addEventListener("pagehide", onPageHide);
    return () => {
      window.removeEventListener("online", onOnline);
      window.removeEventListener("pagehide", onPageHide);
      mounted.current = false;
      session.leave();
      iceSource.stop();
    };
  }, [session, iceSource]);

  const join = useCallback(
    (displayName: string, currentLocal: () => LocalMediaForCall) => {
      setPreparing(true);
      setJoinedAs(displayName);
      iceSource.start();
      void iceSource.ready(ICE_WAIT_MS).then((iceConfiguration) => {
        if (!mounted.current) return;
        setPreparing(false);
        const local = currentLocal();
        session.join({ displayName, media: local.media, localStream: local.stream, iceConfiguration });
      });
    },
    [session, iceSource, setJoinedAs],
  );
  const leave = useCallback(() => {
    session.leave();
    iceSource.stop();
  }, [session, iceSource]);
  const dismissNotice = useCallback(() => session.dismissNotice(), [session]);
  const setViewport = useCallback(
    (id: number, width: number, height: number) => session.setViewport(id, width, height),
    [session],
  );

  const startRecording = useCallback(() => session.startRecording(), [session]);
  const stopRecording = useCallback(() => session.stopRecording(), [session]);
  const answerRecording = useCallback((allow: boolean) => session.answerRecording(allow), [session]);

  const sendChat = useCallback((text: string) => session.sendChat(text), [session]);
  return { ...snapshot, preparing, join, leave, dismissNotice, setViewport, startRecording, stopRecording, answerRecording, sendChat };
}

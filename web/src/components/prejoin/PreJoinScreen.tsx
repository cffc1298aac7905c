import { LoaderCircle, LogIn, Users } from "lucide-react";
import { type FormEvent, useId, useRef, useState } from "react";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";
import type { BrowserSupport } from "../../lib/browserSupport";
import { type CallStatus, describeCallStatus, isCallFull } from "../../lib/callStatus";
import { displayNameError } from "../../lib/displayName";
import { adviseOnMediaProblems } from "../../lib/mediaProblems";
import { MAX_DISPLAY_NAME_CHARS } from "../../protocol/generated";
import { Button } from "../ui/Button";
import { CopyLinkButton } from "../ui/CopyLinkButton";
import { DevicePickers } from "./DevicePicker";
import { Notice } from "./Notice";
import { SelfPreview } from "./SelfPreview";

type Props = {
  callId: string;
  shareUrl: string;
  local: UseLocalMedia;
  name: string;
  onNameChange(name: string): void;
  onJoin(name: string): void;
  joining: boolean;
  status: CallStatus | null;
  support: BrowserSupport;
};

export function PreJoinScreen({ callId, shareUrl, local, name, onNameChange, onJoin, joining, status, support }: Props) {
  const [nameError, setNameError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const nameId = useId();
  const nameErrorId = useId();
  const linkId = useId();
  const advice = support.canCapture ? adviseOnMediaProblems(local.problems) : null;
  const full = status !== null && isCallFull(status);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (joining || !support.canJoin) return;
    const error = displayNameError(name);
    setNameError(error);
    if (error) {
      nameRef.current?.focus();
      return;
    }
    onJoin(name.trim());
  };

  return (
    <main className="mx-auto grid w-full max-w-6xl flex-1 gap-8 px-5 pt-2 pb-12 sm:px-8 lg:grid-cols-[minmax(0,1.45fr)_minmax(0,1fr)] lg:items-start lg:gap-12 lg:pt-8">
      <section aria-label="Camera and microphone" className="flex flex-col gap-4">
        <SelfPreview local={local} name={name} />
        {support.canCapture ? (
          <DevicePickers local={local} className="flex flex-col gap-3 sm:flex-row" />
        ) : null}
        {support.problem ? (
          <Notice tone={support.canJoin ? "warning" : "error"} title={support.problem.title}>
            {support.problem.body}
          </Notice>
        ) : null}
        {advice ? (
          <Notice
            tone="warning"
            title={advice.title}
            action={
              advice.canRetry ? (
                <Button variant="secondary" onClick={() => void local.controller.retry()}>
                  Try again
                </Button>
              ) : null
            }
          >
            {advice.body}
          </Notice>
        ) : null}
      </section>

      <section aria-labelledby="prejoin-heading" className="flex flex-col gap-6 lg:pt-4">
        <div>
          <h1 id="prejoin-heading" className="text-3xl font-bold tracking-tight sm:text-4xl">
            Ready to join?
          </h1>
          <p role="status" className="mt-3 flex min-h-6 items-center gap-2 text-base text-ink-muted">
            {status ? (
              <>
                <Users aria-hidden="true" className="size-5 shrink-0" />
                <span className={full ? "font-semibold text-warning" : ""}>{describeCallStatus(status)}</span>
              </>
            ) : null}
          </p>
        </div>

        <form onSubmit={submit} noValidate className="flex flex-col gap-4">
          <div>
            <label htmlFor={nameId} className="mb-1.5 block text-sm font-semibold">
              Your name
            </label>
            <input
              ref={nameRef}
              id={nameId}
              type="text"
              autoComplete="name"
              maxLength={MAX_DISPLAY_NAME_CHARS * 2}
              value={name}
              onChange={(e) => {
                onNameChange(e.target.value);
                if (nameError) setNameError(null);
              }}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? nameErrorId : undefined}
              className={`min-h-12 w-full rounded-control border bg-surface-1 px-3.5 text-base text-ink ${nameError ? "border-danger-soft" : "border-line-strong"}`}
            />
            <p id={nameErrorId} role="alert" className="mt-1.5 text-sm font-medium text-danger-soft empty:hidden">
              {nameError}
            </p>
          </div>
          <Button
            type="submit"
            size="lg"
            disabled={!support.canJoin}
            aria-disabled={joining || undefined}
            icon={joining ? <LoaderCircle className="size-5 motion-safe:animate-spin" /> : <LogIn className="size-5" />}
            className="w-full"
          >
            Join call
          </Button>
          {!local.hasAudio && !local.hasVideo && local.status === "ready" ? (
            <p className="text-sm text-ink-muted">You&apos;ll join without camera or microphone, to listen and watch.</p>
          ) : null}
        </form>

        <div className="rounded-card border border-line bg-surface-1 p-4">
          <h2 className="text-sm font-semibold" id={`${linkId}-heading`}>
            Invite others with this link
          </h2>
          <p id={linkId} className="mt-2 font-mono text-sm break-all text-ink-muted select-all">
            {shareUrl}
          </p>
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <CopyLinkButton url={shareUrl} />
            <span className="text-sm text-ink-muted">
              Code: <span className="font-mono text-ink">{callId}</span>
            </span>
          </div>
        </div>
      </section>
    </main>
  );
}

import { CircleAlert, House, LogIn, RefreshCw } from "lucide-react";
import { useEffect, useRef } from "react";
import type { CallProblem } from "../../call/callSession";
import { signInPath } from "../../auth/returnTo";
import { navigate } from "../../routing";
import { Button } from "../ui/Button";

type Props = {
  problem: CallProblem;
  onRejoin(): void;
  onHome(): void;
};

/** Why the call ended, and what to do: the suggested action plus a way home. */
export function CallErrorPanel({ problem, onRejoin, onHome }: Props) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [problem]);
  const { info } = problem;
  const act =
    info.action === "reload"
      ? () => window.location.reload()
      : info.action === "signin"
        ? () => navigate(signInPath(window.location.pathname))
        : onRejoin;
  const showAction = info.action === "rejoin" || info.action === "reload" || info.action === "signin";

  return (
    <div className="flex size-full items-center justify-center p-4">
      <section
        role="alertdialog"
        aria-labelledby="call-error-title"
        aria-describedby="call-error-suggestion"
        className="w-full max-w-md rounded-card border border-line bg-surface-1 p-6 text-center shadow-2xl shadow-black/40 sm:p-8"
      >
        <span className="mx-auto flex size-14 items-center justify-center rounded-full bg-danger-surface">
          <CircleAlert aria-hidden="true" className="size-7 text-danger-soft" />
        </span>
        <h1 id="call-error-title" ref={headingRef} tabIndex={-1} className="mt-4 text-2xl font-bold tracking-tight focus:outline-none">
          {info.title}
        </h1>
        <p id="call-error-suggestion" className="mt-3 text-base text-ink-muted">
          {info.suggestion}
        </p>
        <div className="mt-6 flex flex-col-reverse justify-center gap-3 sm:flex-row">
          <Button variant="secondary" icon={<House className="size-5" />} onClick={onHome}>
            Back to home
          </Button>
          {showAction ? (
            <Button icon={info.action === "signin" ? <LogIn className="size-5" /> : <RefreshCw className="size-5" />} onClick={act}>
              {info.actionLabel}
            </Button>
          ) : null}
        </div>
        <p className="mt-5 text-xs text-ink-muted">Error code: {problem.code}</p>
      </section>
    </div>
  );
}

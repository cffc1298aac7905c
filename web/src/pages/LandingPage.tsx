import { ArrowRight, Link as LinkIcon, ShieldCheck, Video } from "lucide-react";
import { type FormEvent, useEffect, useId, useState } from "react";
import { AccountLink } from "../components/layout/AccountLink";
import { Button } from "../components/ui/Button";
import { Logo } from "../components/ui/Logo";
import { callPath, generateCallId, parseCallInput } from "../lib/callId";
import { navigate } from "../routing";

export function LandingPage() {
  const [input, setInput] = useState("");
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();

  useEffect(() => {
    document.title = "PeerShare: video calls in your browser";
  }, []);

  const startCall = () => navigate(callPath(generateCallId()));

  const joinCall = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseCallInput(input);
    if (!parsed.ok) {
      setError(parsed.error);
      document.getElementById(inputId)?.focus();
      return;
    }
    navigate(callPath(parsed.id));
  };

  return (
    <div className="flex min-h-full flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between gap-4 px-5 py-5 sm:px-8">
        <Logo />
        <nav aria-label="Account">
          <AccountLink />
        </nav>
      </header>

      <main className="mx-auto grid w-full max-w-6xl flex-1 items-center gap-12 px-5 pt-6 pb-16 sm:px-8 lg:grid-cols-[1.05fr_1fr] lg:gap-16">
        <div className="max-w-xl">
          <h1 className="text-4xl leading-tight font-bold tracking-tight text-balance sm:text-display">
            Video calls that just work.
          </h1>
          <p className="mt-5 text-lg text-ink-muted sm:text-xl">
            Share a link and talk face to face, right in the browser. No installs, no account needed.
          </p>

          <div className="mt-9">
            <Button size="lg" icon={<Video className="size-5" />} onClick={startCall} className="w-full sm:w-auto">
              Start a call
            </Button>
          </div>

          <div className="mt-9 flex items-center gap-4 text-sm text-ink-muted" aria-hidden="true">
            <span className="h-px flex-1 bg-line" />
            or join one
            <span className="h-px flex-1 bg-line" />
          </div>

          <form className="mt-6" onSubmit={joinCall} noValidate>
            <label htmlFor={inputId} className="block text-sm font-semibold">
              Call link or code
            </label>
            <p id={hintId} className="mt-1 text-sm text-ink-muted">
              Paste the link someone sent you, or type a code like kqz-4tmp-wrd.
            </p>
            <div className="mt-3 flex flex-col gap-3 sm:flex-row">
              <div className="relative flex-1">
                <LinkIcon aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3.5 size-5 -translate-y-1/2 text-ink-muted" />
                <input
                  id={inputId}
                  type="text"
                  inputMode="url"
                  autoComplete="off"
                  autoCapitalize="off"
                  spellCheck={false}
                  value={input}
                  onChange={(e) => {
                    setInput(e.target.value);
                    if (error) setError(null);
                  }}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${errorId} ${hintId}` : hintId}
                  className={`min-h-12 w-full rounded-control border bg-surface-1 py-2 pr-3 pl-11 text-base text-ink placeholder:text-ink-muted/80 ${error ? "border-danger-soft" : "border-line-strong"}`}
                  placeholder="https://…/c/kqz-4tmp-wrd"
                />
              </div>
              <Button type="submit" variant="secondary" size="lg" icon={<ArrowRight className="size-5" />}>
                Join
              </Button>
            </div>
            <p id={errorId} className="mt-2 min-h-5 text-sm font-medium text-danger-soft" role="alert">
              {error}
            </p>
          </form>

          <p className="mt-6 flex items-start gap-2 text-sm text-ink-muted">
            <ShieldCheck aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
            Video and sound go directly between participants whenever possible.
          </p>
        </div>

        <HeroArt />
      </main>
    </div>
  );
}

/** A decorative sketch of a call in progress. */
function HeroArt() {
  return (
    <div aria-hidden="true" className="relative hidden lg:block">
      <div className="absolute -inset-8 rounded-[2rem] bg-[radial-gradient(circle_at_30%_20%,rgba(37,99,235,0.35),transparent_60%)]" />
      <div className="relative rounded-card border border-line bg-surface-1 p-4 shadow-2xl shadow-black/40">
        <div className="grid grid-cols-2 gap-3">
          <ArtTile initials="AL" colour="bg-avatar-2" name="Ada" />
          <ArtTile initials="GH" colour="bg-avatar-6" name="Grace" muted />
        </div>
        <div className="mt-4 flex justify-center gap-3">
          <span className="size-11 rounded-full bg-surface-3" />
          <span className="size-11 rounded-full bg-surface-3" />
          <span className="h-11 w-16 rounded-full bg-danger" />
        </div>
      </div>
    </div>
  );
}

function ArtTile({ initials, colour, name, muted = false }: { initials: string; colour: string; name: string; muted?: boolean }) {
  return (
    <div className="relative flex aspect-[4/3] items-center justify-center rounded-tile bg-surface-3">
      <span className={`flex size-16 items-center justify-center rounded-full text-xl font-semibold text-white ${colour}`}>{initials}</span>
      <span className="absolute bottom-2 left-2 rounded-full bg-surface-0/70 px-2.5 py-1 text-xs font-medium">
        {name}
        {muted ? " · muted" : ""}
      </span>
    </div>
  );
}

import { House, LogIn } from "lucide-react";
import { useEffect, useRef } from "react";
import { Button } from "../ui/Button";

export function LeftScreen({ onRejoin, onHome }: { onRejoin(): void; onHome(): void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <main className="flex flex-1 items-center justify-center px-5 py-16">
      <div className="w-full max-w-md text-center">
        <h1 ref={headingRef} tabIndex={-1} className="text-3xl font-bold tracking-tight focus:outline-none sm:text-4xl">
          You left the call
        </h1>
        <p className="mt-3 text-base text-ink-muted">Your camera and microphone are off. You can rejoin with the same link any time.</p>
        <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
          <Button size="lg" icon={<LogIn className="size-5" />} onClick={onRejoin}>
            Rejoin
          </Button>
          <Button size="lg" variant="secondary" icon={<House className="size-5" />} onClick={onHome}>
            Back to home
          </Button>
        </div>
      </div>
    </main>
  );
}

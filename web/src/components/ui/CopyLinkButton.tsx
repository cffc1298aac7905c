import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "./Button";

/** "Copy link"; confirms in place and announces the copy to screen readers. */
export function CopyLinkButton({ url, variant = "secondary" }: { url: string; variant?: "secondary" | "ghost" }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setState("copied");
    } catch {
      setState("failed");
    }
  };

  return (
    <>
      <Button variant={variant} icon={state === "copied" ? <Check className="size-4" /> : <Copy className="size-4" />} onClick={() => void copy()}>
        Copy link
      </Button>
      <span role="status" className="text-sm font-medium text-success empty:hidden">
        {state === "copied" ? "Link copied" : state === "failed" ? <span className="text-danger-soft">Couldn&apos;t copy. Select the link and copy it yourself.</span> : ""}
      </span>
    </>
  );
}

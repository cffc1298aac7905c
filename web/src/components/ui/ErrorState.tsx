import { RotateCcw } from "lucide-react";
import type { ReactNode } from "react";
import { Notice } from "../prejoin/Notice";
import { Button } from "./Button";

/** A failed load: the server's message, and a way forward (by default "Try again"). */
export function ErrorState({ title, message, onRetry, action }: { title: string; message: string; onRetry?: () => void; action?: ReactNode }) {
  return (
    <div role="alert">
      <Notice
        tone="error"
        title={title}
        action={
          action ??
          (onRetry ? (
            <Button variant="secondary" icon={<RotateCcw className="size-4" />} onClick={onRetry}>
              Try again
            </Button>
          ) : null)
        }
      >
        {message}
      </Notice>
    </div>
  );
}

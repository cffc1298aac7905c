import { CircleAlert, CircleCheck } from "lucide-react";

export type Message = { tone: "success" | "error"; text: string } | null;

/**
 * Where the result of an action appears: always in the DOM so screen readers hear changes
 * (`role="status"`, polite); errors carry an icon and the danger colour.
 */
export function LiveMessage({ message, className = "" }: { message: Message; className?: string }) {
  const Icon = message?.tone === "error" ? CircleAlert : CircleCheck;
  return (
    <p role="status" className={`flex items-start gap-2 text-sm font-medium empty:hidden ${message?.tone === "error" ? "text-danger-soft" : "text-success"} ${className}`}>
      {message ? (
        <>
          <Icon aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          <span>{message.text}</span>
        </>
      ) : null}
    </p>
  );
}

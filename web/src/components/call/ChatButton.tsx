import { MessageSquare } from "lucide-react";

type Props = {
  open: boolean;
  /** Messages from others not seen yet (the panel was closed). */
  unread: number;
  onToggle(): void;
};

/** Opens and closes the call's chat; a badge counts the messages not seen yet. */
export function ChatButton({ open, unread, onToggle }: Props) {
  return (
    <button
      type="button"
      aria-label="Chat"
      aria-expanded={open}
      aria-controls={open ? "call-chat" : undefined}
      aria-describedby={unread > 0 ? "chat-unread" : undefined}
      onClick={onToggle}
      className={`relative inline-flex size-control items-center justify-center rounded-full border border-line transition-colors duration-150 hover:bg-surface-3 ${open ? "bg-surface-3" : "bg-surface-1"}`}
    >
      <MessageSquare aria-hidden="true" className="size-6" />
      {unread > 0 ? (
        <>
          <span aria-hidden="true" className="absolute -top-1 -right-1 min-w-5 rounded-full bg-accent px-1 text-center text-xs font-semibold text-white">
            {unread > 99 ? "99+" : unread}
          </span>
          <span id="chat-unread" className="sr-only">
            {unread === 1 ? "1 unread message" : `${unread} unread messages`}
          </span>
        </>
      ) : null}
    </button>
  );
}

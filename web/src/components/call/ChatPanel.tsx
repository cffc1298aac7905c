import { Send, X } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { chatPieces } from "../../lib/chatText";
import { MAX_CHAT_CHARS, type ChatMessage } from "../../protocol/generated";

type Props = {
  messages: ChatMessage[];
  /** This participant's id, to mark their own messages. */
  selfId: number | null;
  /** Why the last message was not sent. */
  error: string | null;
  /** Whether messages can be sent now (connected). */
  canSend: boolean;
  onSend(text: string): void;
  onClose(): void;
};

const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

/** The call's chat: its messages (text only, links made clickable) and a box to write in. */
export function ChatPanel({ messages, selfId, error, canSend, onSend, onClose }: Props) {
  const [draft, setDraft] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => input.current?.focus(), []);
  // The latest message stays in view as messages arrive.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || !canSend) return;
    onSend(text);
    setDraft("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter starts a new line (and a composing IME keeps its Enter).
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
    if (event.key === "Escape") onClose();
  };

  return (
    <aside
      id="call-chat"
      aria-label="Chat"
      className="fixed inset-x-0 bottom-0 z-20 flex h-[65dvh] flex-col rounded-t-card border border-line bg-surface-1 shadow-lg sm:static sm:h-auto sm:w-80 sm:shrink-0 sm:rounded-card sm:shadow-none"
    >
      <header className="flex items-center justify-between border-b border-line px-4 py-2">
        <h2 className="font-semibold">Chat</h2>
        <button type="button" onClick={onClose} className="-mr-2 inline-flex size-tap items-center justify-center rounded-control hover:bg-surface-3">
          <X aria-hidden="true" className="size-5" />
          <span className="sr-only">Close chat</span>
        </button>
      </header>
      <ol ref={list} aria-live="polite" aria-relevant="additions" className="min-h-0 flex-1 space-y-3 overflow-y-auto px-4 py-3 text-sm">
        {messages.length === 0 ? <li className="text-ink-muted">No messages yet. Messages are seen by everyone in the call.</li> : null}
        {messages.map((m) => (
          <li key={m.seq}>
            <p className="flex items-baseline gap-2">
              <span className="truncate font-semibold">{m.from === selfId ? `${m.name} (you)` : m.name}</span>
              <time dateTime={new Date(m.sent_at_ms).toISOString()} className="shrink-0 text-xs text-ink-muted">
                {time.format(new Date(m.sent_at_ms))}
              </time>
            </p>
            <p className="whitespace-pre-wrap break-words">
              {chatPieces(m.text).map((piece, i) =>
                piece.kind === "link" ? (
                  <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer nofollow" className="text-accent underline">
                    {piece.text}
                  </a>
                ) : (
                  <span key={i}>{piece.text}</span>
                ),
              )}
            </p>
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="border-t border-line p-3">
        {error ? (
          <p role="alert" className="mb-2 text-sm text-danger">
            {error}
          </p>
        ) : null}
        <div className="flex items-end gap-2">
          <label htmlFor="chat-message" className="sr-only">
            Message
          </label>
          <textarea
            id="chat-message"
            ref={input}
            rows={2}
            maxLength={MAX_CHAT_CHARS}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Message everyone"
            className="min-h-control flex-1 resize-none rounded-control border border-line bg-surface-0 px-3 py-2 text-sm"
          />
          <button
            type="submit"
            disabled={!canSend || draft.trim() === ""}
            className="inline-flex h-control items-center gap-2 rounded-control bg-accent px-4 font-semibold text-white disabled:opacity-50"
          >
            <Send aria-hidden="true" className="size-4" />
            Send
          </button>
        </div>
      </form>
    </aside>
  );
}

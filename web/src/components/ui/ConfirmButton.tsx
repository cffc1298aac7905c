import { type ReactNode, useId, useRef } from "react";
import { Button, type ButtonProps } from "./Button";

type Props = {
  /** The trigger's text, e.g. "Leave group". */
  label: string;
  /** A fuller accessible name for the trigger when `label` alone is ambiguous ("Remove Bob"). */
  ariaLabel?: string;
  icon?: ReactNode;
  variant?: ButtonProps["variant"];
  title: string;
  children: ReactNode;
  /** The confirming button's text, e.g. "Leave". */
  confirmLabel: string;
  onConfirm(): void;
  disabled?: boolean;
};

/** A button that asks first, in a modal dialog whose focus starts on "Cancel". */
export function ConfirmButton({ label, ariaLabel, icon, variant = "danger", title, children, confirmLabel, onConfirm, disabled }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  const open = () => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    cancelRef.current?.focus();
  };
  const close = () => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
    triggerRef.current?.focus();
  };

  return (
    <>
      <button
        ref={triggerRef}
        type="button"
        aria-haspopup="dialog"
        aria-label={ariaLabel}
        disabled={disabled}
        onClick={open}
        className={`inline-flex min-h-tap items-center justify-center gap-2 rounded-control px-4 text-sm font-semibold whitespace-nowrap transition-colors duration-150 disabled:cursor-not-allowed disabled:opacity-60 ${variant === "danger" ? "bg-danger text-white hover:bg-danger-hover" : "bg-surface-3 text-ink hover:bg-surface-4"}`}
      >
        {icon ? <span aria-hidden="true" className="flex shrink-0 items-center">{icon}</span> : null}
        {label}
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onClose={() => triggerRef.current?.focus()}
        className="m-auto w-[min(30rem,calc(100%-2rem))] rounded-card border border-line bg-surface-1 p-6 text-ink shadow-2xl shadow-black/50 backdrop:bg-black/60"
      >
        <h2 id={titleId} className="text-xl font-bold tracking-tight">
          {title}
        </h2>
        <div id={bodyId} className="mt-2 text-base text-ink-muted">
          {children}
        </div>
        <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <Button ref={cancelRef} variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}

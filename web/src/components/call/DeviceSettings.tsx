import { Settings } from "lucide-react";
import { useId, useRef } from "react";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";
import { DevicePickers } from "../prejoin/DevicePicker";
import { Button } from "../ui/Button";

/** A button opening a modal to switch camera and microphone during the call. */
export function DeviceSettings({ local }: { local: UseLocalMedia }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  const open = () => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  };
  const close = () => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  };

  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={open}
        title="Audio and video settings"
        className="inline-flex size-control items-center justify-center rounded-full bg-surface-3 text-ink transition-colors duration-150 hover:bg-surface-4"
      >
        <Settings aria-hidden="true" className="size-6" />
        <span className="sr-only">Audio and video settings</span>
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        className="m-auto w-[min(34rem,calc(100%-2rem))] rounded-card border border-line bg-surface-1 p-6 text-ink shadow-2xl shadow-black/50 backdrop:bg-black/60"
      >
        <h2 id={titleId} className="text-xl font-bold tracking-tight">
          Audio and video
        </h2>
        <DevicePickers local={local} className="mt-5 flex flex-col gap-4" />
        <div className="mt-6 flex justify-end">
          <Button onClick={close}>Done</Button>
        </div>
      </dialog>
    </>
  );
}

import { ChevronDown } from "lucide-react";
import { useId } from "react";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";

type Props = {
  label: "Camera" | "Microphone";
  devices: MediaDeviceInfo[];
  value: string;
  onChange(deviceId: string): void;
};

/** A labelled <select> of cameras or microphones. */
export function DevicePicker({ label, devices, value, onChange }: Props) {
  const id = useId();
  const none = devices.length === 0;
  const known = devices.some((d) => d.deviceId === value);
  return (
    <div className="min-w-0 flex-1">
      <label htmlFor={id} className="mb-1.5 block text-sm font-semibold">
        {label}
      </label>
      <div className="relative">
        <select
          id={id}
          value={none ? "" : known ? value : (devices[0]?.deviceId ?? "")}
          disabled={none}
          onChange={(e) => onChange(e.target.value)}
          className="min-h-tap w-full appearance-none truncate rounded-control border border-line-strong bg-surface-1 py-2 pr-10 pl-3 text-sm text-ink disabled:cursor-not-allowed disabled:text-ink-muted"
        >
          {none ? <option value="">{`No ${label.toLowerCase()} found`}</option> : null}
          {devices.map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${label} ${index + 1}`}
            </option>
          ))}
        </select>
        <ChevronDown aria-hidden="true" className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-ink-muted" />
      </div>
    </div>
  );
}

/** The camera and microphone pickers for `local`, laid out by `className`. */
export function DevicePickers({ local, className }: { local: UseLocalMedia; className: string }) {
  return (
    <div className={className}>
      <DevicePicker label="Camera" devices={local.cameras} value={local.cameraId} onChange={(id) => void local.controller.selectCamera(id)} />
      <DevicePicker
        label="Microphone"
        devices={local.microphones}
        value={local.microphoneId}
        onChange={(id) => void local.controller.selectMicrophone(id)}
      />
    </div>
  );
}

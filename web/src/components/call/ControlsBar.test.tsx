import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ControlsBar } from "./ControlsBar";

function renderBar(overrides: Partial<Parameters<typeof ControlsBar>[0]> = {}) {
  const props = {
    micOn: true,
    cameraOn: true,
    hasAudio: true,
    hasVideo: true,
    onMicChange: vi.fn(),
    onCameraChange: vi.fn(),
    onLeave: vi.fn(),
    ...overrides,
  };
  render(<ControlsBar {...props} />);
  return props;
}

describe("ControlsBar", () => {
  it("names the toggles after what they do; not pressed while on", async () => {
    const props = renderBar();
    const mic = screen.getByRole("button", { name: "Mute microphone" });
    const camera = screen.getByRole("button", { name: "Turn off camera" });
    expect(mic).toHaveAttribute("aria-pressed", "false");
    expect(camera).toHaveAttribute("aria-pressed", "false");
    await userEvent.click(mic);
    expect(props.onMicChange).toHaveBeenCalledWith(false);
    await userEvent.click(camera);
    expect(props.onCameraChange).toHaveBeenCalledWith(false);
  });

  it("is pressed while muted / camera off, and offers to turn them back on", async () => {
    const props = renderBar({ micOn: false, cameraOn: false });
    const mic = screen.getByRole("button", { name: "Unmute microphone" });
    expect(mic).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(mic);
    expect(props.onMicChange).toHaveBeenCalledWith(true);
    expect(screen.getByRole("button", { name: "Turn on camera" })).toHaveAttribute("aria-pressed", "true");
  });

  it("disables toggles for missing devices", () => {
    renderBar({ hasVideo: false });
    expect(screen.getByRole("button", { name: "Turn on camera" })).toBeDisabled();
  });

  it("leaves", async () => {
    const props = renderBar();
    await userEvent.click(screen.getByRole("button", { name: "Leave call" }));
    expect(props.onLeave).toHaveBeenCalled();
  });
});

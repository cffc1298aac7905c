import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { CallSnapshot } from "../../call/callSession";
import type { UseCall } from "../../hooks/useCall";
import { describeCallError } from "../../lib/callErrors";
import { fakeLocalMedia } from "../../test/fakeLocalMedia";
import { CallScreen } from "./CallScreen";

function fakeCall(overrides: Partial<CallSnapshot> = {}): UseCall {
  return {
    status: "connected",
    selfId: 2,
    participants: [
      { id: 1, displayName: "Grace Hopper", guest: false, role: null, media: { audio: false, video: true }, stream: null, linkState: "connected", speaking: false },
    ],
    error: null,
    notice: null,
    latencyMs: 12,
    retryAttempt: 0,
    capacity: 8,
    mode: "peer_to_peer",
    switching: false,
    selfRole: null,
    recording: null,
    preparing: false,
    join: vi.fn(),
    leave: vi.fn(),
    dismissNotice: vi.fn(),
    setViewport: vi.fn(),
    startRecording: vi.fn(),
    stopRecording: vi.fn(),
    answerRecording: vi.fn(),
    ...overrides,
  };
}

function renderScreen(call = fakeCall(), local = fakeLocalMedia({ hasVideo: false })) {
  const handlers = { onLeave: vi.fn(), onRejoin: vi.fn(), onHome: vi.fn() };
  render(<CallScreen callId="kqz-4tmp-wrd" shareUrl="https://x/c/kqz-4tmp-wrd" name="Ada" call={call} local={local} {...handlers} />);
  return { ...handlers, local, call };
}

describe("CallScreen", () => {
  it("shows everyone, the count and the connection state", () => {
    renderScreen();
    expect(screen.getByText("2 participants")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Connected");
    const tiles = screen.getAllByRole("group");
    expect(tiles.map((t) => t.getAttribute("aria-label"))).toEqual(["Grace Hopper, microphone off", "Ada (you), camera off"]);
    expect(document.querySelector('video[data-participant-id="1"]')).not.toBeNull();
  });

  it("invites people when alone", () => {
    renderScreen(fakeCall({ participants: [] }));
    expect(screen.getByText("1 participant")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Copy link" })).toBeInTheDocument();
  });

  it("leaves with the Leave call button", async () => {
    const { onLeave } = renderScreen();
    await userEvent.click(screen.getByRole("button", { name: "Leave call" }));
    expect(onLeave).toHaveBeenCalled();
  });

  it("toggles mic and camera with Ctrl+D and Ctrl+E", async () => {
    const { local } = renderScreen();
    await userEvent.keyboard("{Control>}d{/Control}");
    expect(local.controller.setMicOn).toHaveBeenCalledWith(false);
    await userEvent.keyboard("{Control>}e{/Control}");
    expect(local.controller.setCameraOn).toHaveBeenCalledWith(false);
  });

  it("shows server notices and lets people dismiss them", async () => {
    const { call } = renderScreen(fakeCall({ notice: "Can't reach PeerShare." }));
    expect(screen.getByRole("alert")).toHaveTextContent("Can't reach PeerShare.");
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(call.dismissNotice).toHaveBeenCalled();
  });

  it("replaces the grid with the error and its action when the call ends in an error", async () => {
    const { onRejoin } = renderScreen(
      fakeCall({
        status: "disconnected",
        participants: [],
        error: { code: "heartbeat_timeout", category: "timeout", detail: "", info: describeCallError("heartbeat_timeout") },
      }),
    );
    expect(screen.getByRole("status")).toHaveTextContent("Disconnected");
    expect(screen.queryByRole("button", { name: "Leave call" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Reconnect" }));
    expect(onRejoin).toHaveBeenCalled();
  });

  it("switches devices from the settings dialog", async () => {
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
    const { local } = renderScreen();
    await userEvent.click(screen.getByRole("button", { name: "Audio and video settings" }));
    const dialog = screen.getByRole("dialog", { name: "Audio and video" });
    expect(dialog).toBeVisible();
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Camera" }), "cam-2");
    expect(local.controller.selectCamera).toHaveBeenCalledWith("cam-2");
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(dialog).not.toHaveAttribute("open");
  });
});

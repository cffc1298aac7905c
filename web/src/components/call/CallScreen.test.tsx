import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { CallSnapshot } from "../../call/callSession";
import type { RecordingView } from "../../protocol/generated";
import type { UseCall } from "../../hooks/useCall";
import { describeCallError } from "../../lib/callErrors";
import { fakeLocalMedia } from "../../test/fakeLocalMedia";
import { CallScreen } from "./CallScreen";

function fakeCall(overrides: Partial<UseCall> = {}): UseCall {
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
    recordRole: null,
    recording: null,
    mediaNode: null,
    chat: [],
    chatError: null,
    preparing: false,
    join: vi.fn(),
    leave: vi.fn(),
    dismissNotice: vi.fn(),
    setViewport: vi.fn(),
    startRecording: vi.fn(),
    stopRecording: vi.fn(),
    answerRecording: vi.fn(),
    sendChat: vi.fn(),
    ...overrides,
  };
}

function renderScreen(call = fakeCall(), local = fakeLocalMedia({ hasVideo: false }), callId = "kqz-4tmp-wrd") {
  const handlers = { onLeave: vi.fn(), onRejoin: vi.fn(), onHome: vi.fn() };
  render(<CallScreen callId={callId} shareUrl={`https://x/c/${callId}`} name="Ada" call={call} local={local} {...handlers} />);
  return { ...handlers, local, call };
}

describe("CallScreen", () => {
  it("shows everyone, the count and the connection state", () => {
    renderScreen();
    expect(screen.getByText("2 participants")).toBeInTheDocument();
    expect(screen.getByText("Connected", { selector: '[role="status"]' })).toBeInTheDocument();
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

  it.each([
    ["starting", /Getting the call ready for more people/],
    ["moving", /Moving the call to another one/],
  ] as const)("says when the media node is %s", (mediaNode, text) => {
    renderScreen(fakeCall({ mediaNode }));
    expect(screen.getByText(text)).toBeVisible();
  });

  it("says nothing of media servers while the call's node is in place", () => {
    renderScreen(fakeCall({ mediaNode: null }));
    expect(screen.queryByText(/media server/)).not.toBeInTheDocument();
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

describe("CallScreen recording", () => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };

  const view = (overrides: Partial<RecordingView> = {}): RecordingView => ({
    phase: "recording",
    started_by: 1,
    since_ms: Date.now() - 65_000,
    recorded: [1, 2],
    waiting: [],
    declined: [],
    ...overrides,
  });
  const inGroup = (overrides: Partial<CallSnapshot> = {}) => renderScreen(fakeCall({ selfRole: "member", ...overrides }), undefined, "g_team");

  it("explains in a link call that recording needs a group, and sends nothing", async () => {
    const { call } = renderScreen();
    const button = screen.getByRole("button", { name: "Start recording" });
    expect(button).toHaveAttribute("aria-disabled", "true");
    expect(button).toHaveAccessibleDescription(/Recording needs a group/);
    await userEvent.click(button);
    expect(call.startRecording).not.toHaveBeenCalled();
    expect(screen.getByText(/Recording needs a group/)).toBeVisible();
  });

  it("starts recording in a group's call", async () => {
    const { call } = inGroup();
    await userEvent.click(screen.getByRole("button", { name: "Start recording" }));
    expect(call.startRecording).toHaveBeenCalled();
  });

  it("shows the asker that everyone is being asked, and lets them call it off", async () => {
    const { call } = inGroup({ recording: view({ phase: "asking", started_by: 2, recorded: [2], waiting: [1] }) });
    expect(screen.getByText("Waiting for everyone to agree…")).toBeVisible();
    expect(screen.getByText("1 of 2 agreed")).toBeVisible();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Stop recording" }));
    expect(call.stopRecording).toHaveBeenCalled();
  });

  it("asks someone who is waiting, in a dialog naming who wants to record", async () => {
    const { call } = inGroup({ recording: view({ phase: "asking", recorded: [1], waiting: [2] }) });
    const dialog = screen.getByRole("dialog", { name: "Record this call?" });
    expect(dialog).toHaveAttribute("open");
    expect(dialog).toHaveAccessibleDescription(/Grace Hopper wants to record this call/);
    expect(dialog).toHaveFocus();
    await userEvent.click(within(dialog).getByRole("button", { name: "Allow recording" }));
    expect(call.answerRecording).toHaveBeenCalledWith(true);
    await userEvent.click(within(dialog).getByRole("button", { name: "Decline" }));
    expect(call.answerRecording).toHaveBeenCalledWith(false);
  });

  it("closes the dialog on Escape without answering, and opens it again on request", async () => {
    const { call } = inGroup({ recording: view({ phase: "asking", recorded: [1], waiting: [2] }) });
    const dialog = screen.getByRole("dialog", { name: "Record this call?" });
    fireEvent(dialog, new Event("cancel", { cancelable: true }));
    expect(dialog).not.toHaveAttribute("open");
    expect(call.answerRecording).not.toHaveBeenCalled();
    expect(screen.getByText("You haven't answered yet.")).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Answer" }));
    expect(dialog).toHaveAttribute("open");
  });

  it("shows everyone the REC indicator; someone recorded may withdraw", async () => {
    const { call } = inGroup({ recording: view() });
    const indicator = screen.getByRole("timer", { name: "Recording" });
    expect(indicator).toHaveTextContent(/REC\s*01:0[56]/);
    expect(screen.getByText("You are being recorded.")).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Don't record me" }));
    expect(call.answerRecording).toHaveBeenCalledWith(false);
  });

  it("tells someone not recorded so, and lets them allow it later", async () => {
    const { call } = inGroup({ recording: view({ recorded: [1], declined: [2] }) });
    expect(screen.getByRole("timer", { name: "Recording" })).toBeVisible();
    expect(screen.getByText("You are not being recorded.")).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Allow recording" }));
    expect(call.answerRecording).toHaveBeenCalledWith(true);
  });

  it("prompts a newcomer to a running recording", () => {
    inGroup({ recording: view({ recorded: [1], waiting: [2] }) });
    const dialog = screen.getByRole("dialog", { name: "This call is being recorded" });
    expect(dialog).toHaveAccessibleDescription(/You are not recorded unless you allow it/);
  });

  it("lets only the starter or an admin stop a recording", async () => {
    const { call } = inGroup({ recording: view() });
    const stop = screen.getByRole("button", { name: "Stop recording" });
    expect(stop).toHaveAttribute("aria-disabled", "true");
    expect(stop).toHaveAccessibleDescription(/Only whoever started the recording, or an admin or owner, can stop it/);
    await userEvent.click(stop);
    expect(call.stopRecording).not.toHaveBeenCalled();
  });

  it("lets an admin stop someone else's recording", async () => {
    const { call } = inGroup({ selfRole: "admin", recording: view() });
    await userEvent.click(screen.getByRole("button", { name: "Stop recording" }));
    expect(call.stopRecording).toHaveBeenCalled();
  });
});

describe("CallScreen chat", () => {
  const said = (seq: number, from: number, name: string, text: string) => ({ seq, from, name, text, sent_at_ms: 1_800_000_000_000 + seq });

  it("counts unread messages from others on the Chat button and clears them when opened", async () => {
    const user = userEvent.setup();
    const chat = [said(1, 1, "Grace Hopper", "hello"), said(2, 2, "Ada", "hi"), said(3, 1, "Grace Hopper", "see https://example.com/doc")];
    renderScreen(fakeCall({ chat }));
    const button = screen.getByRole("button", { name: "Chat" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(button).toHaveAccessibleDescription("2 unread messages");
    await user.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(button).not.toHaveAccessibleDescription("2 unread messages");
    const panel = screen.getByRole("complementary", { name: "Chat" });
    expect(within(panel).getByText("Ada (you)")).toBeInTheDocument();
    const link = within(panel).getByRole("link", { name: "https://example.com/doc" });
    expect(link).toHaveAttribute("href", "https://example.com/doc");
    expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
  });

  it("renders what people type as text, never as markup", async () => {
    const user = userEvent.setup();
    renderScreen(fakeCall({ chat: [said(1, 1, "Grace Hopper", "<img src=x onerror=alert(1)>")] }));
    await user.click(screen.getByRole("button", { name: "Chat" }));
    const panel = screen.getByRole("complementary", { name: "Chat" });
    expect(within(panel).getByText("<img src=x onerror=alert(1)>")).toBeInTheDocument();
    expect(panel.querySelector("img")).toBeNull();
  });

  it("sends with Send or Enter, keeps Shift+Enter for a new line, and shows why a message was refused", async () => {
    const user = userEvent.setup();
    const sendChat = vi.fn();
    renderScreen(fakeCall({ sendChat, chatError: "A chat message cannot be empty" }));
    await user.click(screen.getByRole("button", { name: "Chat" }));
    const box = screen.getByRole("textbox", { name: "Message" });
    expect(box).toHaveFocus();
    expect(screen.getByRole("alert")).toHaveTextContent("A chat message cannot be empty");
    await user.type(box, "first line{Shift>}{Enter}{/Shift}second{Enter}");
    expect(sendChat).toHaveBeenCalledWith("first line\nsecond");
    expect(box).toHaveValue("");
    await user.type(box, "again");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(sendChat).toHaveBeenLastCalledWith("again");
  });
});


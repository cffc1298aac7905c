import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { UseLocalMedia } from "../../hooks/useLocalMedia";
import type { BrowserSupport } from "../../lib/browserSupport";
import type { CallStatus } from "../../lib/callStatus";
import { fakeLocalMedia } from "../../test/fakeLocalMedia";
import { PreJoinScreen } from "./PreJoinScreen";

const localMedia = fakeLocalMedia;

const SUPPORTED: BrowserSupport = { canJoin: true, canCapture: true, problem: null };

function Harness({
  local = localMedia(),
  status = null,
  support = SUPPORTED,
  onJoin = vi.fn(),
}: {
  local?: UseLocalMedia;
  status?: CallStatus | null;
  support?: BrowserSupport;
  onJoin?: (name: string) => void;
}) {
  const [name, setName] = useState("");
  return (
    <PreJoinScreen
      callId="kqz-4tmp-wrd"
      shareUrl="https://peershare.example/c/kqz-4tmp-wrd"
      local={local}
      name={name}
      onNameChange={setName}
      onJoin={onJoin}
      joining={false}
      status={status}
      support={support}
    />
  );
}

describe("PreJoinScreen", () => {
  it("asks for a name before joining", async () => {
    const onJoin = vi.fn();
    render(<Harness onJoin={onJoin} />);
    await userEvent.click(screen.getByRole("button", { name: "Join call" }));
    expect(onJoin).not.toHaveBeenCalled();
    const input = screen.getByRole("textbox", { name: "Your name" });
    expect(input).toHaveFocus();
    expect(input).toHaveAccessibleDescription(/Enter your name/);

    await userEvent.type(input, "  Ada Lovelace ");
    await userEvent.click(screen.getByRole("button", { name: "Join call" }));
    expect(onJoin).toHaveBeenCalledWith("Ada Lovelace");
  });

  it("has labelled device pickers that switch devices", async () => {
    const local = localMedia();
    render(<Harness local={local} />);
    const camera = screen.getByRole("combobox", { name: "Camera" });
    expect(camera).toHaveValue("cam-1");
    await userEvent.selectOptions(camera, "cam-2");
    expect(local.controller.selectCamera).toHaveBeenCalledWith("cam-2");
    expect(screen.getByRole("combobox", { name: "Microphone" })).toHaveValue("mic-1");
  });

  it("toggles mic and camera before joining", async () => {
    const local = localMedia();
    render(<Harness local={local} />);
    await userEvent.click(screen.getByRole("button", { name: "Mute microphone" }));
    expect(local.controller.setMicOn).toHaveBeenCalledWith(false);
    await userEvent.click(screen.getByRole("button", { name: "Turn off camera" }));
    expect(local.controller.setCameraOn).toHaveBeenCalledWith(false);
  });

  it("shows who is in the call", () => {
    const { rerender } = render(<Harness status={{ participants: 0, capacity: 8, joinable: true }} />);
    expect(screen.getByText("No one else is here yet")).toBeInTheDocument();
    rerender(<Harness status={{ participants: 1, capacity: 8, joinable: true }} />);
    expect(screen.getByText("1 person is in this call")).toBeInTheDocument();
    rerender(<Harness status={{ participants: 8, capacity: 8, joinable: false }} />);
    expect(screen.getByText("This call is full")).toBeInTheDocument();
    rerender(<Harness status={{ participants: 2, capacity: 8, joinable: false }} />);
    expect(screen.getByText(/This call can't take more people right now/)).toBeInTheDocument();
  });

  it("shows the share link with a copy button", async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    render(<Harness />);
    expect(screen.getByText("https://peershare.example/c/kqz-4tmp-wrd")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Copy link" }));
    expect(writeText).toHaveBeenCalledWith("https://peershare.example/c/kqz-4tmp-wrd");
    expect(await screen.findByText("Link copied")).toBeInTheDocument();
  });

  it("explains blocked permissions and still allows joining to listen and watch", async () => {
    const onJoin = vi.fn();
    const local = localMedia({
      hasAudio: false,
      hasVideo: false,
      microphones: [],
      cameras: [],
      problems: { audio: "permission-denied", video: "permission-denied" },
    });
    render(<Harness local={local} onJoin={onJoin} />);
    expect(screen.getByRole("heading", { name: "PeerShare can't use your camera and microphone" })).toBeInTheDocument();
    expect(screen.getByText(/address bar/)).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Camera" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Unmute microphone" })).toBeDisabled();
    await userEvent.type(screen.getByRole("textbox", { name: "Your name" }), "Ada");
    await userEvent.click(screen.getByRole("button", { name: "Join call" }));
    expect(onJoin).toHaveBeenCalledWith("Ada");
  });

  it("offers to retry a device in use", async () => {
    const local = localMedia({ hasVideo: false, problems: { video: "in-use" } });
    render(<Harness local={local} />);
    expect(screen.getByRole("heading", { name: "Your camera is being used by another app" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(local.controller.retry).toHaveBeenCalled();
  });

  it("blocks joining in a browser without WebRTC and says why", () => {
    render(
      <Harness
        support={{ canJoin: false, canCapture: false, problem: { title: "This browser can't make video calls", body: "Use a recent browser." } }}
      />,
    );
    expect(screen.getByRole("heading", { name: "This browser can't make video calls" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Join call" })).toBeDisabled();
  });
});

import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { VideoTile } from "./VideoTile";

describe("VideoTile", () => {
  it("tags a remote video with the participant id", () => {
    const { container } = render(
      <ul>
        <VideoTile self={false} name="Grace Hopper" stream={null} media={{ audio: true, video: true }} participantId={7} linkState="connected" width={100} height={100} />
      </ul>,
    );
    expect(container.querySelector("video")).toHaveAttribute("data-participant-id", "7");
    expect(container.querySelector("video")).not.toHaveProperty("muted", true);
  });

  it("says microphone off and camera off in words, not just with colour", () => {
    render(
      <ul>
        <VideoTile self={false} name="Grace Hopper" stream={null} media={{ audio: false, video: false }} participantId={7} width={100} height={100} />
      </ul>,
    );
    const tile = screen.getByRole("group", { name: "Grace Hopper, microphone off, camera off" });
    expect(tile).toHaveTextContent("GH");
    expect(screen.getByLabelText(/Grace Hopper.*microphone off/)).toBe(tile);
  });

  it("names a tile with everything on by the name alone", () => {
    render(
      <ul>
        <VideoTile self={false} name="Grace" stream={null} media={{ audio: true, video: true }} participantId={7} width={1} height={1} />
      </ul>,
    );
    expect(screen.getByRole("group", { name: "Grace" })).toBeInTheDocument();
  });

  it("marks a guest in a group's call, in words, so a guest cannot pass for a member", () => {
    render(
      <ul>
        <VideoTile self={false} guest name="Ada" stream={null} media={{ audio: true, video: true }} participantId={8} width={1} height={1} />
      </ul>,
    );
    expect(screen.getByRole("group", { name: "Ada (guest)" })).toBeInTheDocument();
    expect(screen.getByText("Ada (guest)")).toBeInTheDocument();
  });

  it("labels and mutes the self view", () => {
    const { container } = render(
      <ul>
        <VideoTile self name="Ada" stream={null} media={{ audio: true, video: false }} width={100} height={100} />
      </ul>,
    );
    expect(screen.getByText("Ada (you)")).toBeInTheDocument();
    expect(container.querySelector("video")).toHaveProperty("muted", true);
    expect(container.querySelector("video")).not.toHaveAttribute("data-participant-id");
  });

  it("shows when the media connection is still being set up or was lost", () => {
    const { rerender } = render(
      <ul>
        <VideoTile self={false} name="G" stream={null} media={{ audio: true, video: true }} participantId={1} linkState="connecting" width={1} height={1} />
      </ul>,
    );
    expect(screen.getByText("Connecting…")).toBeInTheDocument();
    rerender(
      <ul>
        <VideoTile self={false} name="G" stream={null} media={{ audio: true, video: true }} participantId={1} linkState="failed" width={1} height={1} />
      </ul>,
    );
    expect(screen.getByText("Connection lost, retrying")).toBeInTheDocument();
  });
});

import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ConnectionIndicator } from "./ConnectionIndicator";

describe("ConnectionIndicator", () => {
  it.each([
    ["connecting", "Connecting…"],
    ["connected", "Connected"],
    ["reconnecting", "Reconnecting…"],
    ["disconnected", "Disconnected"],
  ] as const)("says %s in words, in a live region", (status, text) => {
    render(<ConnectionIndicator status={status} latencyMs={null} />);
    const region = screen.getByRole("status");
    expect(region).toHaveTextContent(text);
    expect(region).toHaveAttribute("aria-live", "polite");
  });

  it("shows latency outside the live region while connected", () => {
    render(<ConnectionIndicator status="connected" latencyMs={23} />);
    expect(screen.getByText("· 23 ms")).toBeInTheDocument();
    expect(screen.getByRole("status")).not.toHaveTextContent("23");
  });

  it("marks a call that runs through the media server, in words for screen readers", () => {
    render(<ConnectionIndicator status="connected" latencyMs={23} mode="media_node" />);
    expect(screen.getByText("Group call server")).toBeInTheDocument();
  });

  it("says nothing of a server in a peer-to-peer call", () => {
    render(<ConnectionIndicator status="connected" latencyMs={23} mode="peer_to_peer" />);
    expect(screen.queryByText("Group call server")).not.toBeInTheDocument();
  });
});

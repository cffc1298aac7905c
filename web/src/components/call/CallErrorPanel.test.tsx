import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { describeCallError } from "../../lib/callErrors";
import { CallErrorPanel } from "./CallErrorPanel";

describe("CallErrorPanel", () => {
  it("states the problem and the suggested action", async () => {
    const onRejoin = vi.fn();
    const onHome = vi.fn();
    render(
      <CallErrorPanel
        problem={{ code: "room_full", category: "capacity", detail: "full", info: describeCallError("room_full") }}
        onRejoin={onRejoin}
        onHome={onHome}
      />,
    );
    const dialog = screen.getByRole("alertdialog", { name: "This call is full" });
    expect(dialog).toHaveAccessibleDescription(/Ask the host to start a new call/);
    expect(screen.getByRole("heading", { name: "This call is full" })).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRejoin).toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Back to home" }));
    expect(onHome).toHaveBeenCalled();
  });

  it("offers only the way home when nothing else helps", () => {
    render(
      <CallErrorPanel
        problem={{ code: "invalid_display_name", category: "invalid_request", detail: "", info: describeCallError("invalid_display_name") }}
        onRejoin={vi.fn()}
        onHome={vi.fn()}
      />,
    );
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Back to home"]);
  });

  it("offers signing in for a members-only call, coming back to it", async () => {
    window.history.replaceState(null, "", "/c/g_team");
    render(
      <CallErrorPanel
        problem={{ code: "guests_not_allowed", category: "", detail: "", info: describeCallError("guests_not_allowed") }}
        onRejoin={vi.fn()}
        onHome={vi.fn()}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(window.location.pathname + window.location.search).toBe("/signin?return_to=%2Fc%2Fg_team");
  });
});

import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { LandingPage } from "./LandingPage";
import { renderWithAuth } from "../test/renderWithAuth";

beforeEach(() => window.history.replaceState(null, "", "/"));

describe("LandingPage", () => {
  it("starts a call with a fresh readable id", async () => {
    renderWithAuth(<LandingPage />, { signedIn: false });
    await userEvent.click(screen.getByRole("button", { name: "Start a call" }));
    expect(window.location.pathname).toMatch(/^\/c\/[a-z2-9]{3}-[a-z2-9]{4}-[a-z2-9]{3}$/);
  });

  it("goes to a pasted link", async () => {
    renderWithAuth(<LandingPage />, { signedIn: false });
    await userEvent.type(screen.getByRole("textbox", { name: "Call link or code" }), "https://peershare.example/c/team-sync");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));
    expect(window.location.pathname).toBe("/c/team-sync");
  });

  it("explains what is wrong with a bad code, inline", async () => {
    renderWithAuth(<LandingPage />, { signedIn: false });
    const input = screen.getByRole("textbox", { name: "Call link or code" });
    await userEvent.type(input, "not valid!{Enter}");
    expect(window.location.pathname).toBe("/");
    expect(screen.getByRole("alert")).toHaveTextContent(/letters, numbers, dashes and underscores/);
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription(/letters, numbers/);
    expect(input).toHaveFocus();
    await userEvent.type(input, "x");
    expect(input).not.toHaveAttribute("aria-invalid");
  });

  it("offers signing in, or the groups once signed in", async () => {
    const { unmount } = renderWithAuth(<LandingPage />, { signedIn: false });
    expect(await screen.findByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
    unmount();
    renderWithAuth(<LandingPage />);
    expect(await screen.findByRole("link", { name: "Your groups" })).toHaveAttribute("href", "/groups");
  });

  it("asks for something when the field is empty", async () => {
    renderWithAuth(<LandingPage />, { signedIn: false });
    await userEvent.click(screen.getByRole("button", { name: "Join" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a call link or code.");
  });
});

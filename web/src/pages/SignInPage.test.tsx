import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAuthServer } from "../test/fakeAuthServer";
import { renderWithAuth } from "../test/renderWithAuth";
import { SignInPage } from "./SignInPage";

function serverWith(options: { providers: string[]; dev_sign_in: boolean }): FakeAuthServer {
  return new FakeAuthServer().on("GET /api/auth/options", 200, options);
}

beforeEach(() => window.history.replaceState(null, "", "/signin?return_to=%2Finvite%2Fabc"));

describe("SignInPage", () => {
  it("offers only the providers the server lists, returning to the page asked for", async () => {
    renderWithAuth(<SignInPage />, { signedIn: false, server: serverWith({ providers: ["github"], dev_sign_in: false }) });
    const github = await screen.findByRole("link", { name: "Continue with GitHub" });
    expect(github).toHaveAttribute("href", "/api/auth/github/start?return_to=%2Finvite%2Fabc");
    expect(screen.queryByRole("link", { name: /Google|Microsoft/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: "Name" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Continue as guest" })).toBeInTheDocument();
  });

  it("signs in by name on development servers and goes back to return_to", async () => {
    const { server } = renderWithAuth(<SignInPage />, { signedIn: false, server: serverWith({ providers: [], dev_sign_in: true }) });
    const name = await screen.findByRole("textbox", { name: "Name" });
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(name).toHaveFocus();
    expect(name).toHaveAccessibleDescription(/Enter your name/);
    await userEvent.type(name, "  Ada ");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/invite/abc"));
    expect(server.cookie).not.toBeNull();
  });

  it("shows the server's message when signing in fails", async () => {
    const server = serverWith({ providers: [], dev_sign_in: true }).on("POST /api/auth/dev", 400, { error: "invalid_name", message: "name: the name is too long" });
    renderWithAuth(<SignInPage />, { signedIn: false, server });
    await userEvent.type(await screen.findByRole("textbox", { name: "Name" }), "Ada");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByText("Name: the name is too long.")).closest('[role="status"]')).not.toBeNull();
    expect(server.sent("POST /api/auth/dev")).toEqual([{ name: "Ada" }]);
    expect(window.location.pathname).toBe("/signin");
  });

  it("never returns to another site", async () => {
    window.history.replaceState(null, "", "/signin?return_to=https%3A%2F%2Fevil.example%2F");
    renderWithAuth(<SignInPage />, { server: serverWith({ providers: [], dev_sign_in: true }) });
    await vi.waitFor(() => expect(window.location.pathname).toBe("/groups"));
  });

  it("explains a load failure with a way to retry", async () => {
    renderWithAuth(<SignInPage />, { signedIn: false, server: new FakeAuthServer().on("GET /api/auth/options", 503, { error: "unavailable", message: "try again shortly" }) });
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again shortly.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

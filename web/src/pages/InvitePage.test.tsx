import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { InvitePreview } from "../api/generated";
import { FakeAuthServer } from "../test/fakeAuthServer";
import { group } from "../test/groupFixtures";
import { renderWithAuth } from "../test/renderWithAuth";
import { InvitePage } from "./InvitePage";

const PREVIEW: InvitePreview = { group_id: "g_team", group_name: "Team", group_description: "Our team", expires_at: 1_900_000_000_000, status: "active" };

beforeEach(() => window.history.replaceState(null, "", "/invite/tok"));

describe("InvitePage", () => {
  it("asks signed-out people to sign in and come back", async () => {
    renderWithAuth(<InvitePage token="tok" />, { signedIn: false, server: new FakeAuthServer().on("GET /api/invites/tok", 200, PREVIEW) });
    expect(await screen.findByRole("heading", { level: 1, name: "Team" })).toBeInTheDocument();
    expect(screen.getByText("Our team")).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: "Sign in to join" })).toHaveAttribute("href", "/signin?return_to=%2Finvite%2Ftok");
    expect(screen.queryByRole("button", { name: "Join group" })).not.toBeInTheDocument();
  });

  it("joins signed-in people and opens the group", async () => {
    const server = new FakeAuthServer().on("GET /api/invites/tok", 200, PREVIEW).on("POST /api/invites/tok/accept", 200, { group: group("member"), newly_joined: true });
    renderWithAuth(<InvitePage token="tok" />, { server });
    await userEvent.click(await screen.findByRole("button", { name: "Join group" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/groups/g_team"));
    expect(server.requests.find((r) => r.path === "/api/invites/tok/accept")?.authorization).toMatch(/^Bearer /);
  });

  it("shows the server's message when joining fails", async () => {
    const server = new FakeAuthServer().on("GET /api/invites/tok", 200, PREVIEW).on("POST /api/invites/tok/accept", 410, { error: "invite_used_up", message: "this invite has been used up" });
    renderWithAuth(<InvitePage token="tok" />, { server });
    await userEvent.click(await screen.findByRole("button", { name: "Join group" }));
    expect(await screen.findByText("This invite has been used up.")).toBeInTheDocument();
  });

  it.each([
    ["expired", "This invite has expired"],
    ["used_up", "This invite has been used up"],
    ["revoked", "This invite was withdrawn"],
  ] as const)("explains a %s invite and offers no way to join", async (status, title) => {
    renderWithAuth(<InvitePage token="tok" />, { server: new FakeAuthServer().on("GET /api/invites/tok", 200, { ...PREVIEW, status }) });
    expect(await screen.findByRole("heading", { name: title })).toBeInTheDocument();
    expect(screen.getByText(/Ask someone in the group for a new one/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Join group" })).not.toBeInTheDocument();
  });

  it("explains an unknown link", async () => {
    renderWithAuth(<InvitePage token="tok" />, { server: new FakeAuthServer().on("GET /api/invites/tok", 404, { error: "invite_not_found", message: "no such invite" }) });
    expect(await screen.findByRole("alert")).toHaveTextContent("No such invite. Check that you copied the whole link");
  });
});

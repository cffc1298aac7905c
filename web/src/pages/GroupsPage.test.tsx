import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAuthServer } from "../test/fakeAuthServer";
import { group } from "../test/groupFixtures";
import { renderWithAuth } from "../test/renderWithAuth";
import { GroupsPage } from "./GroupsPage";

beforeEach(() => window.history.replaceState(null, "", "/groups"));

describe("GroupsPage", () => {
  it("lists the groups with description and role", async () => {
    const server = new FakeAuthServer().on("GET /api/groups", 200, { groups: [group("owner"), group("member", { id: "g_book", name: "Book club", description: "" })] });
    renderWithAuth(<GroupsPage />, { server });
    const team = await screen.findByRole("link", { name: /Team/ });
    expect(team).toHaveAttribute("href", "/groups/g_team");
    expect(team).toHaveTextContent("Our team");
    expect(team).toHaveTextContent("Owner");
    expect(screen.getByRole("link", { name: /Book club/ })).toHaveTextContent("Member");
    expect(server.requests[0]?.authorization).toMatch(/^Bearer /);
  });

  it("has an empty state that says what to do", async () => {
    renderWithAuth(<GroupsPage />, { server: new FakeAuthServer().on("GET /api/groups", 200, { groups: [] }) });
    expect(await screen.findByText("You're not in any groups yet")).toBeInTheDocument();
    expect(screen.getByText(/ask a group's admin for an invite link/)).toBeInTheDocument();
  });

  it("creates a group with name and description, then opens it", async () => {
    const server = new FakeAuthServer().on("GET /api/groups", 200, { groups: [] }).on("POST /api/groups", 201, group("owner", { id: "g_new", name: "Design" }));
    renderWithAuth(<GroupsPage />, { server });
    await userEvent.type(await screen.findByRole("textbox", { name: "Group name" }), " Design ");
    await userEvent.type(screen.getByRole("textbox", { name: /Description/ }), "Critique");
    await userEvent.click(screen.getByRole("button", { name: "Create group" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/groups/g_new"));
    expect(server.sent("POST /api/groups")).toEqual([{ name: "Design", description: "Critique" }]);
  });

  it("asks for a name, and shows the server's message when creating fails", async () => {
    const server = new FakeAuthServer()
      .on("GET /api/groups", 200, { groups: [] })
      .on("POST /api/groups", 400, { error: "invalid_name", message: "name: the name has control characters" });
    renderWithAuth(<GroupsPage />, { server });
    const name = await screen.findByRole("textbox", { name: "Group name" });
    await userEvent.click(screen.getByRole("button", { name: "Create group" }));
    expect(name).toHaveFocus();
    expect(name).toHaveAccessibleDescription("Give the group a name.");
    expect(server.sent("POST /api/groups")).toEqual([]);
    await userEvent.type(name, "Team");
    await userEvent.click(screen.getByRole("button", { name: "Create group" }));
    expect(await screen.findByText("Name: the name has control characters.")).toBeInTheDocument();
    expect(server.sent("POST /api/groups")).toEqual([{ name: "Team" }]);
  });

  it("shows a failed load with the server's message and a retry", async () => {
    renderWithAuth(<GroupsPage />, { server: new FakeAuthServer().on("GET /api/groups", 500, { error: "storage_failed", message: "the server could not complete this request; try again shortly" }) });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server could not complete this request; try again shortly.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("sends signed-out people to sign in and back", async () => {
    renderWithAuth(<GroupsPage />, { signedIn: false });
    await vi.waitFor(() => expect(window.location.pathname).toBe("/signin"));
    expect(window.location.search).toBe("?return_to=%2Fgroups");
  });
});

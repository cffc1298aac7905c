import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../protocol/generated";
import { FakeAuthServer, json } from "../test/fakeAuthServer";
import { group, invite, members, recording } from "../test/groupFixtures";
import { renderWithAuth } from "../test/renderWithAuth";
import { GroupPage } from "./GroupPage";

/** A server where Ada has `role` in g_team with Bob as a member. */
function serverFor(role: Role): FakeAuthServer {
  return new FakeAuthServer()
    .on("GET /api/groups/g_team", 200, group(role))
    .on("GET /api/groups/g_team/members", 200, { members: members(role) })
    .on("GET /api/groups/g_team/calls", 200, {
      calls: [
        {
          id: "c1",
          started_at: 1_700_000_000_000,
          ended_at: 1_700_000_720_000,
          duration_ms: 720_000,
          participants: [
            { participant: "u_ada", display_name: "Ada", joined_at: 1_700_000_000_000, left_at: 1 },
            { participant: "u_bob", display_name: "Bob", joined_at: 1_700_000_000_000, left_at: 1 },
            { participant: "u_ada", display_name: "Ada", joined_at: 1_700_000_100_000, left_at: 1 },
          ],
        },
      ],
    })
    .on("GET /api/groups/g_team/invites", 200, { invites: [invite(), invite({ id: "i_2", status: "expired" })] })
    .on("GET /api/groups/g_team/recordings", 200, { recordings: [], can_delete: role !== "member" });
}

async function renderGroup(server: FakeAuthServer) {
  const result = renderWithAuth(<GroupPage groupId="g_team" />, { server });
  await screen.findByRole("heading", { level: 1, name: "Team" });
  await screen.findByText("Bob");
  return result;
}

beforeEach(() => window.history.replaceState(null, "", "/groups/g_team"));

describe("GroupPage for a member", () => {
  it("shows the group, its call and members, and no admin controls", async () => {
    await renderGroup(serverFor("member"));
    expect(screen.getByText("Our team")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Start call" })).toHaveAttribute("href", "/c/g_team");
    expect(screen.getByText("Bob").closest("li")).toHaveTextContent("Member");
    for (const name of ["Edit details", "Delete group", /Remove/, "Save settings"]) {
      expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole("combobox", { name: /Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Invites" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Leave group" })).toBeInTheDocument();
    expect(await screen.findByText("Ada and Bob")).toBeInTheDocument();
    expect(screen.getByText(/12 min/)).toBeInTheDocument();
  });

  it("leaves after confirming, and shows the server's message when it can't", async () => {
    const server = serverFor("member").on("DELETE /api/groups/g_team/members/me", 409, {
      error: "last_owner",
      message: "a group needs an owner: make someone else an owner first",
    });
    await renderGroup(server);
    await userEvent.click(screen.getByRole("button", { name: "Leave group" }));
    const dialog = screen.getByRole("dialog", { name: "Leave Team?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole("button", { name: "Leave" }));
    expect(await screen.findByText("A group needs an owner: make someone else an owner first.")).toBeInTheDocument();
    expect(window.location.pathname).toBe("/groups/g_team");
  });

  it("goes back to the groups after leaving", async () => {
    const server = serverFor("member").on("DELETE /api/groups/g_team/members/me", 204);
    await renderGroup(server);
    await userEvent.click(screen.getByRole("button", { name: "Leave group" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Leave" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/groups"));
  });

  it("lets members create invites when the settings allow it, without listing them", async () => {
    const server = serverFor("member").on("GET /api/groups/g_team", 200, group("member", { settings: { ...group("member").settings, invite_role: "member" } }));
    await renderGroup(server);
    expect(screen.getByRole("button", { name: "Create invite link" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Invite links" })).not.toBeInTheDocument();
  });
});

describe("GroupPage for an admin", () => {
  it("removes members but not owners, and cannot change roles or delete", async () => {
    await renderGroup(serverFor("admin"));
    expect(screen.getByRole("button", { name: "Remove Bob" })).toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: /Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete group" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit details" })).toBeInTheDocument();
    // Admins cannot hand out rights reserved to owners.
    const record = screen.getByRole("combobox", { name: "Who may record" });
    expect(within(record).queryByRole("option", { name: "Owners only" })).not.toBeInTheDocument();
  });
});

describe("GroupPage for an owner", () => {
  it("changes a member's role", async () => {
    const server = serverFor("owner").on("PATCH /api/groups/g_team/members/u_bob", 200, { ...members("owner")[1], role: "admin" });
    await renderGroup(server);
    expect(screen.getByRole("combobox", { name: "Role of Ada" })).toHaveValue("owner");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Role of Bob" }), "admin");
    expect(await screen.findByText("Bob's role is now Admin.")).toBeInTheDocument();
    expect(server.sent("PATCH /api/groups/g_team/members/u_bob")).toEqual([{ role: "admin" }]);
    expect(screen.getByRole("combobox", { name: "Role of Bob" })).toHaveValue("admin");
  });

  it("creates an invite with the chosen expiry and limit, and offers its link to copy", async () => {
    const server = serverFor("owner").on("POST /api/groups/g_team/invites", 201, {
      invite: invite({ id: "i_new", max_uses: 3 }),
      token: "tok",
      path: "/invite/tok",
    });
    await renderGroup(server);
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Link works for" }), "7 days");
    await userEvent.type(screen.getByRole("textbox", { name: "Use limit (optional)" }), "3");
    await userEvent.click(screen.getByRole("button", { name: "Create invite link" }));
    expect(await screen.findByText(`${window.location.origin}/invite/tok`)).toBeInTheDocument();
    expect(server.sent("POST /api/groups/g_team/invites")).toEqual([{ ttl_ms: 604_800_000, max_uses: 3 }]);
    expect(screen.getByRole("button", { name: "Copy link" })).toBeInTheDocument();
    expect(screen.getByText("0 of 3 uses", { exact: false })).toBeInTheDocument();
  });

  it("refuses a bad use limit before asking the server", async () => {
    const server = serverFor("owner");
    await renderGroup(server);
    const limit = screen.getByRole("textbox", { name: "Use limit (optional)" });
    await userEvent.type(limit, "0");
    await userEvent.click(screen.getByRole("button", { name: "Create invite link" }));
    expect(limit).toHaveAccessibleDescription(/whole number from 1 to 1000/);
    expect(server.sent("POST /api/groups/g_team/invites")).toEqual([]);
  });

  it("revokes an active invite", async () => {
    const server = serverFor("owner").on("DELETE /api/groups/g_team/invites/i_1", 204);
    await renderGroup(server);
    expect(await screen.findByText("Expired")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /^Revoke invite/ }));
    expect(await screen.findByText("Invite revoked. Its link no longer works.")).toBeInTheDocument();
    expect(screen.getByText("Revoked")).toBeInTheDocument();
  });

  it("saves only the settings that changed", async () => {
    const saved = group("owner", { settings: { ...group("owner").settings, guests_allowed: true, max_participants: 10 } });
    const server = serverFor("owner").on("PATCH /api/groups/g_team/settings", 200, saved);
    await renderGroup(server);
    await userEvent.click(screen.getByRole("checkbox", { name: "Guests may join the call" }));
    const max = screen.getByRole("textbox", { name: "Most people in a call" });
    await userEvent.clear(max);
    await userEvent.type(max, "10");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect(server.sent("PATCH /api/groups/g_team/settings")).toEqual([{ guests_allowed: true, max_participants: 10 }]);
  });

  it("checks the participant limit and shows the server's refusal", async () => {
    const server = serverFor("owner").on("PATCH /api/groups/g_team/settings", 403, { error: "above_your_role", message: "only owners may change this" });
    await renderGroup(server);
    const max = screen.getByRole("textbox", { name: "Most people in a call" });
    await userEvent.clear(max);
    await userEvent.type(max, "101");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(max).toHaveAccessibleDescription(/from 2 to 100/);
    await userEvent.clear(max);
    await userEvent.type(max, "20");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Only owners may change this.")).toBeInTheDocument();
  });

  it("renames the group", async () => {
    const server = serverFor("owner").on("PATCH /api/groups/g_team", 200, group("owner", { name: "Crew" }));
    await renderGroup(server);
    await userEvent.click(screen.getByRole("button", { name: "Edit details" }));
    const name = screen.getByRole("textbox", { name: "Group name" });
    await userEvent.clear(name);
    await userEvent.type(name, "Crew");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Crew" })).toBeInTheDocument();
    expect(server.sent("PATCH /api/groups/g_team")).toEqual([{ name: "Crew" }]);
  });

  it("deletes the group after confirming", async () => {
    const server = serverFor("owner").on("DELETE /api/groups/g_team", 204);
    await renderGroup(server);
    await userEvent.click(screen.getByRole("button", { name: "Delete group" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Delete Team?" })).getByRole("button", { name: "Delete group" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/groups"));
    expect(server.sent("DELETE /api/groups/g_team")).toHaveLength(1);
  });
});

describe("GroupPage recordings", () => {
  const ready = recording({ id: "r1", participants: ["Ada", "Bob"], size_bytes: 2_400_000, duration_ms: 20_400 });
  const failed = recording({ id: "r2", status: "failed", failure: "no media was recorded", download_url: null, download_expires_at: null, size_bytes: null, duration_ms: null });

  it("lists recordings for members, with Download links for the ready ones and no Delete", async () => {
    const server = serverFor("member").on("GET /api/groups/g_team/recordings", 200, { recordings: [ready, failed], can_delete: false });
    await renderGroup(server);
    const section = screen.getByRole("region", { name: "Recordings" });
    const rows = await within(section).findAllByRole("listitem");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Ready");
    expect(rows[0]).toHaveTextContent("0:20");
    expect(rows[0]).toHaveTextContent("With Ada and Bob · 2.4 MB");
    const download = within(rows[0] as HTMLElement).getByRole("link", { name: "Download" });
    expect(download).toHaveAttribute("href", ready.download_url);
    expect(download).toHaveAttribute("download");
    expect(rows[1]).toHaveTextContent("Failed: no media was recorded");
    expect(within(rows[1] as HTMLElement).queryByRole("link", { name: "Download" })).not.toBeInTheDocument();
    expect(within(section).queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
  });

  it("says when there are none", async () => {
    await renderGroup(serverFor("member"));
    expect(await screen.findByText(/No recordings yet/)).toBeInTheDocument();
  });

  it("asks again every few seconds while a recording is processed, then stops", async () => {
    const route = "GET /api/groups/g_team/recordings";
    const answers = [
      { recordings: [recording({ status: "processing", progress: 40, download_url: null, download_expires_at: null })], can_delete: false },
      { recordings: [ready], can_delete: false },
    ];
    const server = serverFor("member");
    server.routes.set(route, () => json(200, answers[Math.min(server.sent(route).length - 1, 1)]));
    await renderGroup(server);
    expect(await screen.findByText("Processing 40 %")).toBeInTheDocument();
    expect(screen.getByRole("progressbar")).toHaveAttribute("value", "40");
    expect(await screen.findByRole("link", { name: "Download" }, { timeout: 6000 })).toBeInTheDocument();
    const asked = server.sent(route).length;
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(server.sent(route)).toHaveLength(asked);
  }, 15_000);

  it("lets admins delete a recording after confirming, and shows a refusal", async () => {
    const server = serverFor("admin")
      .on("GET /api/groups/g_team/recordings", 200, { recordings: [ready, failed], can_delete: true })
      .on("DELETE /api/groups/g_team/recordings/r1", 204)
      .on("DELETE /api/groups/g_team/recordings/r2", 409, { error: "recording_in_progress", message: "stop the recording in the call first" });
    await renderGroup(server);
    const section = screen.getByRole("region", { name: "Recordings" });
    const [first, second] = await within(section).findAllByRole("listitem");
    await userEvent.click(within(first as HTMLElement).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete this recording?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete recording" }));
    expect(await within(section).findByText("Recording deleted.")).toBeInTheDocument();
    expect(within(section).getAllByRole("listitem")).toHaveLength(1);
    expect(server.sent("DELETE /api/groups/g_team/recordings/r1")).toHaveLength(1);
    await userEvent.click(within(second as HTMLElement).getByRole("button", { name: "Delete" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Delete this recording?" })).getByRole("button", { name: "Delete recording" }));
    expect(await within(section).findByText("Stop the recording in the call first.")).toBeInTheDocument();
  });
});

describe("GroupPage recording quality", () => {
  it("is one of the settings", async () => {
    const saved = group("owner", { settings: { ...group("owner").settings, recording_quality: "high" } });
    const server = serverFor("owner").on("PATCH /api/groups/g_team/settings", 200, saved);
    await renderGroup(server);
    const quality = screen.getByRole("combobox", { name: "Recording quality" });
    expect(quality).toHaveValue("medium");
    expect(within(quality).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Low: 360p, small files",
      "Medium: 720p",
      "High: 720p, better quality, larger files",
    ]);
    await userEvent.selectOptions(quality, "high");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect(server.sent("PATCH /api/groups/g_team/settings")).toEqual([{ recording_quality: "high" }]);
  });
});

describe("GroupPage errors", () => {
  it("explains a group that doesn't exist or isn't visible", async () => {
    renderWithAuth(<GroupPage groupId="g_team" />, { server: new FakeAuthServer().on("GET /api/groups/g_team", 404, { error: "group_not_found", message: "no such group" }) });
    expect(await screen.findByRole("heading", { level: 1, name: "Group not found" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("No such group. Ask a member for an invite link");
    expect(screen.getAllByRole("link", { name: "Your groups" }).length).toBeGreaterThan(0);
  });
});

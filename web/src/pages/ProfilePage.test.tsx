import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { ProfileView } from "../api/generated";
import { ADA, FakeAuthServer } from "../test/fakeAuthServer";
import { renderWithAuth } from "../test/renderWithAuth";
import { ProfilePage } from "./ProfilePage";

const PROFILE: ProfileView = { ...ADA, preferences: { video_quality: "auto", camera: "Old webcam" } };

function devices(list: Partial<MediaDeviceInfo>[]) {
  Object.defineProperty(navigator, "mediaDevices", {
    configurable: true,
    value: { enumerateDevices: async () => list, addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

beforeEach(() => {
  window.history.replaceState(null, "", "/profile");
  devices([
    { kind: "videoinput", label: "Front camera", deviceId: "c1" },
    { kind: "audioinput", label: "Headset", deviceId: "m1" },
  ]);
});

describe("ProfilePage", () => {
  it("offers the devices by name and sends only what changed", async () => {
    const server = new FakeAuthServer()
      .on("GET /api/me", 200, PROFILE)
      .on("PATCH /api/me", 200, { ...PROFILE, display_name: "Ada L.", preferences: { video_quality: "high", microphone: "Headset", camera: "Old webcam" } });
    const { store } = renderWithAuth(<ProfilePage />, { server });
    const name = await screen.findByRole("textbox", { name: "Display name" });
    expect(name).toHaveValue("Ada");
    const camera = screen.getByRole("combobox", { name: "Preferred camera" });
    expect(camera).toHaveValue("Old webcam");
    expect(await screen.findByRole("option", { name: "Front camera" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "Old webcam (not connected)" })).toBeInTheDocument();
    await userEvent.clear(name);
    await userEvent.type(name, "Ada L.");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Preferred microphone" }), "Headset");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Video quality" }), "high");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByText("Profile saved.")).toBeInTheDocument();
    expect(server.sent("PATCH /api/me")).toEqual([{ display_name: "Ada L.", microphone: "Headset", video_quality: "high" }]);
    expect(store.getSnapshot().user?.display_name).toBe("Ada L.");
  });

  it("shows the server's message for a refused change", async () => {
    const server = new FakeAuthServer()
      .on("GET /api/me", 200, PROFILE)
      .on("PATCH /api/me", 400, { error: "invalid_profile", message: "avatar_url must be an https:// URL of at most 2048 bytes without spaces" });
    renderWithAuth(<ProfilePage />, { server });
    await userEvent.type(await screen.findByLabelText("Avatar URL"), "http://example.com/a.png");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByText("avatar_url must be an https:// URL of at most 2048 bytes without spaces.")).toBeInTheDocument();
    expect(server.sent("PATCH /api/me")).toEqual([{ avatar_url: "http://example.com/a.png" }]);
  });

  it("offers to show device names when the browser hides them", async () => {
    devices([{ kind: "videoinput", label: "", deviceId: "" }]);
    renderWithAuth(<ProfilePage />, { server: new FakeAuthServer().on("GET /api/me", 200, PROFILE) });
    expect(await screen.findByRole("button", { name: "Show device names" })).toBeInTheDocument();
  });

  it("signs out", async () => {
    const { store } = renderWithAuth(<ProfilePage />, { server: new FakeAuthServer().on("GET /api/me", 200, PROFILE) });
    await screen.findByRole("textbox", { name: "Display name" });
    await userEvent.click(within(screen.getByRole("main")).getByRole("button", { name: "Sign out" }));
    await vi.waitFor(() => expect(window.location.pathname).toBe("/"));
    expect(store.getSnapshot().status).toBe("signedOut");
  });
});

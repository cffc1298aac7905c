import { describe, expect, it } from "vitest";
import { matchRoute } from "./routes";

describe("matchRoute", () => {
  it("finds each page", () => {
    expect(matchRoute("/")).toEqual({ page: "landing" });
    expect(matchRoute("/signin")).toEqual({ page: "signin" });
    expect(matchRoute("/groups/")).toEqual({ page: "groups" });
    expect(matchRoute("/groups/g_abc")).toEqual({ page: "group", groupId: "g_abc" });
    expect(matchRoute("/invite/Ab-_9")).toEqual({ page: "invite", token: "Ab-_9" });
    expect(matchRoute("/profile")).toEqual({ page: "profile" });
    expect(matchRoute("/c/kqz-4tmp-wrd")).toEqual({ page: "call", callId: "kqz-4tmp-wrd" });
  });

  it("refuses malformed ids", () => {
    expect(matchRoute("/groups/a%2Fb")).toEqual({ page: "notFound", badCallLink: false });
    expect(matchRoute("/invite/x.y")).toEqual({ page: "notFound", badCallLink: false });
    expect(matchRoute("/c/not valid")).toEqual({ page: "notFound", badCallLink: true });
  });
});

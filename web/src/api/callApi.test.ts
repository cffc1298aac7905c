import { describe, expect, it } from "vitest";
import { fetchCallStatus, fetchIceConfig, toRtcConfiguration } from "./callApi";
import { ApiError } from "./http";

const respond = (status: number, body: unknown) =>
  (async () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    })) as unknown as typeof fetch;

const ICE = {
  iceServers: [{ urls: ["turn:127.0.0.1:3478"], username: "1:u", credential: "p" }],
  iceTransportPolicy: "relay",
  ttlSeconds: 15,
  expiresAt: 1_700_000_015,
};

describe("fetchIceConfig", () => {
  it("returns the configuration", async () => {
    await expect(fetchIceConfig("pass", undefined, respond(200, ICE))).resolves.toEqual(ICE);
  });
  it("presents the call pass", async () => {
    let sent: Headers | undefined;
    const fetchImpl = (async (_url: string, init?: RequestInit) => {
      sent = new Headers(init?.headers);
      return new Response(JSON.stringify(ICE), { status: 200, headers: { "Content-Type": "application/json" } });
    }) as unknown as typeof fetch;
    await fetchIceConfig("the.pass.jwt", undefined, fetchImpl);
    expect(sent?.get("Authorization")).toBe("Bearer the.pass.jwt");
  });
  it("rejects a malformed body", async () => {
    await expect(fetchIceConfig("pass", undefined, respond(200, { iceServers: "x" }))).rejects.toThrow(/unexpected/);
  });
  it("turns HTTP errors into ApiError with the server's code", async () => {
    const error = await fetchIceConfig("pass", undefined, respond(503, { error: "turn_unavailable", message: "no TURN" })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: "turn_unavailable", message: "no TURN" });
  });
  it("copes with a non-JSON error body", async () => {
    await expect(fetchIceConfig("pass", undefined, respond(502, "Bad Gateway"))).rejects.toMatchObject({ code: "http_error" });
  });
  it("maps to RTCConfiguration", () => {
    expect(toRtcConfiguration(ICE as never)).toEqual({ iceServers: ICE.iceServers, iceTransportPolicy: "relay" });
  });
});

describe("fetchCallStatus", () => {
  it("returns the counts", async () => {
    await expect(fetchCallStatus("abc", undefined, respond(200, { participants: 1, capacity: 8, joinable: true }))).resolves.toEqual({
      participants: 1,
      capacity: 8,
      joinable: true,
    });
  });
  it("rejects a malformed body", async () => {
    await expect(fetchCallStatus("abc", undefined, respond(200, {}))).rejects.toThrow();
  });
});

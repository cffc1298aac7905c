import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { IceConfig } from "../protocol/generated";
import { FALLBACK_RTC_CONFIGURATION, IceConfigSource } from "./iceConfigSource";

function config(n: number, ttlSeconds = 15): IceConfig {
  return {
    iceServers: [{ urls: [`turn:host:${n}`], username: `u${n}`, credential: "c" }],
    iceTransportPolicy: "relay",
    ttlSeconds,
    expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => vi.useRealTimers());

describe("IceConfigSource", () => {
  it("fetches at start and refreshes before expiry, telling listeners each time", async () => {
    let n = 0;
    const fetchConfig = vi.fn(async () => config(++n));
    const source = new IceConfigSource(fetchConfig);
    const seen: string[] = [];
    source.onChange((c) => seen.push((c.iceServers?.[0]?.urls as string[])[0] ?? ""));
    source.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(["turn:host:1"]);
    await vi.advanceTimersByTimeAsync(11_999);
    expect(fetchConfig).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(["turn:host:1", "turn:host:2"]);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(seen).toHaveLength(3);
    source.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toHaveLength(3);
  });

  it("retries a failed fetch and keeps the old configuration meanwhile", async () => {
    let fail = false;
    const fetchConfig = vi.fn(async () => {
      if (fail) throw new Error("down");
      return config(1);
    });
    const source = new IceConfigSource(fetchConfig);
    source.start();
    await vi.advanceTimersByTimeAsync(0);
    fail = true;
    await vi.advanceTimersByTimeAsync(12_000);
    expect(fetchConfig).toHaveBeenCalledTimes(2);
    expect(source.current?.iceTransportPolicy).toBe("relay");
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fetchConfig).toHaveBeenCalledTimes(3);
    source.stop();
  });

  it("ready() waits for the first fetch", async () => {
    const source = new IceConfigSource(async () => config(1));
    const ready = source.ready(5000);
    source.start();
    await vi.advanceTimersByTimeAsync(0);
    await expect(ready).resolves.toMatchObject({ iceTransportPolicy: "relay" });
    source.stop();
  });

  it("ready() falls back to host candidates when the server does not answer", async () => {
    const source = new IceConfigSource(() => new Promise<IceConfig>(() => undefined));
    source.start();
    const ready = source.ready(3000);
    await vi.advanceTimersByTimeAsync(3000);
    await expect(ready).resolves.toEqual(FALLBACK_RTC_CONFIGURATION);
    source.stop();
  });
});

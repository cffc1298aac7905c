/**
 * Keeps TURN credentials fresh: fetches them, schedules the next refresh before they expire,
 * retries failures, and tells listeners about each new configuration.
 */

import { toRtcConfiguration } from "../api/callApi";
import { iceRefreshDelayMs, iceRetryDelayMs } from "../lib/iceRefresh";
import type { IceConfig } from "../protocol/generated";

/** Used when no configuration could be fetched: host candidates only (same machine or LAN). */
export const FALLBACK_RTC_CONFIGURATION: RTCConfiguration = { iceServers: [], iceTransportPolicy: "all" };

export class IceConfigSource {
  private config: IceConfig | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private running = false;
  private abort: AbortController | null = null;
  private readonly listeners = new Set<(config: RTCConfiguration) => void>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly fetchConfig: (signal: AbortSignal) => Promise<IceConfig>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current configuration, or null before the first successful fetch. */
  get current(): RTCConfiguration | null {
    return this.config ? toRtcConfiguration(this.config) : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.refresh();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.abort = null;
  }

  /** Called with every newly fetched configuration. */
  onChange(listener: (config: RTCConfiguration) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The configuration to start a call with: the current one, or the first one fetched within
   * `timeoutMs`, or host-only as a last resort (a later fetch still reaches `onChange`).
   */
  ready(timeoutMs: number): Promise<RTCConfiguration> {
    const current = this.current;
    if (current) return Promise.resolve(current);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        this.waiters.delete(done);
        resolve(this.current ?? FALLBACK_RTC_CONFIGURATION);
      };
      const timeout = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private async refresh(): Promise<void> {
    if (!this.running) return;
    const abort = new AbortController();
    this.abort = abort;
    const fetchedAt = this.now();
    try {
      const config = await this.fetchConfig(abort.signal);
      if (!this.running || abort.signal.aborted) return;
      this.config = config;
      this.failures = 0;
      this.schedule(iceRefreshDelayMs(config, fetchedAt, this.now()));
      const rtc = toRtcConfiguration(config);
      for (const listener of this.listeners) listener(rtc);
      for (const waiter of [...this.waiters]) waiter();
    } catch (error) {
      if (!this.running || abort.signal.aborted) return;
      this.failures++;
      console.warn("could not fetch ICE servers; retrying", error);
      this.schedule(iceRetryDelayMs(this.failures));
      if (this.failures >= 2) for (const waiter of [...this.waiters]) waiter();
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, delayMs);
  }
}

/**
 * A media node link that is connected yet silent — the audio track the node announced for
 * someone whose microphone is on has carried not one packet — is a failure to repair, not to
 * wait out: first ask the node to renegotiate (a lost offer leaves its tracks unopened), then,
 * if that does not bring the media, join the node again. A track that carried audio and paused
 * (its publisher's machine busy) is not this failure: the node counts such silences itself.
 * Pure: fed packet counts and the time, it says what to do.
 */

/**
 * Someone never heard this long (since they were first expected, or the link's last
 * renegotiation, whichever is later) is silent. Generous: a tab on a saturated machine can take
 * seconds to answer a renegotiation, and media starts only after it.
 */
export const SILENT_AFTER_MS = 10_000;

/** What the link needs. */
export type SilenceVerdict = "ok" | "renegotiate" | "rejoin";

/** Watches the audio of one node link, per participant who should be heard. */
export class SilenceWatch {
  /** participant → when they were first expected on this link, until their first packet. */
  private readonly unheard = new Map<number, number>();
  /** Participants heard at least once on this link. */
  private readonly heard = new Set<number>();
  /** When the renegotiation asked for the current silence was sent; null while all is well. */
  private renegotiatedAt: number | null = null;

  /**
   * Takes whether each participant who should be heard now has been (participant → heard), at
   * `now`, while the link is connected, and when the link last completed a renegotiation (null:
   * not since it opened); says what the link needs.
   */
  observe(now: number, expected: ReadonlyMap<number, boolean>, negotiatedAt: number | null = null): SilenceVerdict {
    const since = (at: number) => now - Math.max(at, negotiatedAt ?? at);
    for (const id of [...this.unheard.keys()]) if (!expected.has(id)) this.unheard.delete(id);
    let silent = false;
    let waiting = false;
    for (const [id, heard] of expected) {
      if (heard) {
        this.unheard.delete(id);
        this.heard.add(id);
        continue;
      }
      if (this.heard.has(id)) continue;
      const first = this.unheard.get(id) ?? now;
      this.unheard.set(id, first);
      waiting = true;
      if (since(first) >= SILENT_AFTER_MS) silent = true;
    }
    if (!waiting) {
      this.renegotiatedAt = null;
      return "ok";
    }
    if (!silent) return "ok";
    if (this.renegotiatedAt === null) {
      this.renegotiatedAt = now;
      return "renegotiate";
    }
    if (since(this.renegotiatedAt) >= SILENT_AFTER_MS) {
      this.reset();
      return "rejoin";
    }
    return "ok";
  }

  /** Forgets everything (a new link, or one that is not connected). */
  reset(): void {
    this.unheard.clear();
    this.heard.clear();
    this.renegotiatedAt = null;
  }
}

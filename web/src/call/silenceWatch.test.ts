import { describe, expect, it } from "vitest";
import { SILENT_AFTER_MS, SilenceWatch } from "./silenceWatch";

/** participant → audio packets received so far, as whether they were heard. */
const counts = (entries: [number, number][]) => new Map(entries.map(([id, packets]) => [id, packets > 0]));

describe("SilenceWatch", () => {
  it("is content once everyone expected has been heard, even if their audio pauses later", () => {
    const watch = new SilenceWatch();
    expect(watch.observe(0, counts([[1, 0], [3, 0]]))).toBe("ok");
    expect(watch.observe(1_000, counts([[1, 5], [3, 2]]))).toBe("ok");
    // A publisher's machine too busy to send for a while: the node counts that, not this.
    for (let t = 1_000; t <= 60_000; t += 250) expect(watch.observe(t, counts([[1, 5], [3, 2]]))).toBe("ok");
  });

  it("gives someone newly expected a grace period, then asks to renegotiate once, then to rejoin", () => {
    const watch = new SilenceWatch();
    expect(watch.observe(0, counts([[1, 0]]))).toBe("ok");
    expect(watch.observe(SILENT_AFTER_MS - 1, counts([[1, 0]]))).toBe("ok");
    expect(watch.observe(SILENT_AFTER_MS, counts([[1, 0]]))).toBe("renegotiate");
    expect(watch.observe(SILENT_AFTER_MS + 250, counts([[1, 0]]))).toBe("ok");
    expect(watch.observe(2 * SILENT_AFTER_MS - 1, counts([[1, 0]]))).toBe("ok");
    expect(watch.observe(2 * SILENT_AFTER_MS, counts([[1, 0]]))).toBe("rejoin");
    // After a rejoin it starts over, with a new grace period.
    expect(watch.observe(2 * SILENT_AFTER_MS + 250, counts([[1, 0]]))).toBe("ok");
  });

  it("is satisfied when the renegotiation brings the media", () => {
    const watch = new SilenceWatch();
    watch.observe(0, counts([[1, 0]]));
    expect(watch.observe(SILENT_AFTER_MS, counts([[1, 0]]))).toBe("renegotiate");
    expect(watch.observe(SILENT_AFTER_MS + 1_000, counts([[1, 9]]))).toBe("ok");
    expect(watch.observe(5 * SILENT_AFTER_MS, counts([[1, 9]]))).toBe("ok");
  });

  it("counts a renegotiation under way or completed as a fresh start, so a slow answer is not silence", () => {
    const watch = new SilenceWatch();
    watch.observe(0, counts([[1, 0]]), null);
    expect(watch.observe(SILENT_AFTER_MS, counts([[1, 0]]), 4_000)).toBe("ok");
    expect(watch.observe(SILENT_AFTER_MS + 4_000, counts([[1, 0]]), 4_000)).toBe("renegotiate");
    // The node answers our offer or offers again: rejoining waits for that one too.
    expect(watch.observe(2 * SILENT_AFTER_MS + 4_000, counts([[1, 0]]), 20_000)).toBe("ok");
    expect(watch.observe(SILENT_AFTER_MS + 20_000, counts([[1, 0]]), 20_000)).toBe("rejoin");
  });

  it("notices one unheard participant among heard ones, and forgets those no longer expected", () => {
    const watch = new SilenceWatch();
    watch.observe(0, counts([[1, 0], [3, 0]]));
    expect(watch.observe(SILENT_AFTER_MS, counts([[1, 50], [3, 0]]))).toBe("renegotiate");
    // Participant 3 left (or muted): nobody is unheard any more.
    expect(watch.observe(SILENT_AFTER_MS + 250, counts([[1, 60]]))).toBe("ok");
    expect(watch.observe(3 * SILENT_AFTER_MS, counts([[1, 60]]))).toBe("ok");
  });
});

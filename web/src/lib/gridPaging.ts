/** Which remote participants a grid page shows once there are too many for one screen. */

/** Most tiles on one page, counting your own (a 3×3 grid). */
export const TILES_PER_PAGE = 9;

export type GridPage<T> = {
  /** Remote participants on this page (your own tile is always shown besides). */
  visible: T[];
  /** Zero-based page shown, clamped to the pages that exist. */
  page: number;
  pages: number;
};

/**
 * Splits `remote` into pages of `TILES_PER_PAGE - 1` (your own tile fills the last cell).
 * People speaking now are moved onto the page being viewed when they are not already on it, by
 * swapping them with the quietest participant there, so active speakers are always visible.
 */
export function gridPage<T extends { id: number; speaking: boolean }>(remote: T[], page: number): GridPage<T> {
  const perPage = TILES_PER_PAGE - 1;
  const pages = Math.max(1, Math.ceil(remote.length / perPage));
  const current = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const start = current * perPage;
  const visible = remote.slice(start, start + perPage);
  const hiddenSpeakers = remote.filter((p, i) => p.speaking && (i < start || i >= start + perPage));
  for (const speaker of hiddenSpeakers) {
    const quiet = visible.findLastIndex((p) => !p.speaking);
    if (quiet < 0) break;
    visible[quiet] = speaker;
  }
  return { visible, page: current, pages };
}

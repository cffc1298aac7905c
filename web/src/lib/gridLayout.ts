/** How to arrange video tiles in the space available. */

export type GridLayout = {
  columns: number;
  rows: number;
  /** Size of one cell in pixels (the tile fills it). */
  cellWidth: number;
  cellHeight: number;
};

/** Aspect ratio (width / height) tiles should look best at in a landscape area. */
export const LANDSCAPE_TILE_ASPECT = 16 / 9;
/** Aspect ratio tiles should look best at in a portrait area (phones). */
export const PORTRAIT_TILE_ASPECT = 3 / 4;

/**
 * Picks the number of columns that makes `count` tiles as large as possible in a `width` ×
 * `height` area with `gap` pixels between cells. Each cell is scored by the largest box of the
 * preferred aspect ratio (16:9, or 3:4 when the area is portrait) that fits in it, since video
 * is cropped to fill its cell. Ties go to fewer columns, which stacks tiles on narrow screens.
 */
export function gridLayout(count: number, width: number, height: number, gap = 8): GridLayout {
  const n = Math.max(1, Math.floor(count));
  const w = Math.max(0, width);
  const h = Math.max(0, height);
  const aspect = h > w ? PORTRAIT_TILE_ASPECT : LANDSCAPE_TILE_ASPECT;

  let best: GridLayout & { score: number } = { columns: 1, rows: n, cellWidth: 0, cellHeight: 0, score: -1 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    // A layout that leaves a whole row or column empty is never better than a smaller one.
    if ((columns - 1) * rows >= n) continue;
    const cellWidth = Math.max(0, (w - gap * (columns - 1)) / columns);
    const cellHeight = Math.max(0, (h - gap * (rows - 1)) / rows);
    const fittedWidth = Math.min(cellWidth, cellHeight * aspect);
    const score = fittedWidth * (fittedWidth / aspect);
    if (score > best.score + 0.5) best = { columns, rows, cellWidth, cellHeight, score };
  }
  return {
    columns: best.columns,
    rows: best.rows,
    cellWidth: Math.floor(best.cellWidth),
    cellHeight: Math.floor(best.cellHeight),
  };
}

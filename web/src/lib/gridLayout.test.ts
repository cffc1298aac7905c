import { describe, expect, it } from "vitest";
import { gridLayout } from "./gridLayout";

const shape = (n: number, w: number, h: number) => {
  const { columns, rows } = gridLayout(n, w, h);
  return `${columns}x${rows}`;
};

describe("gridLayout", () => {
  it("gives one tile the whole area", () => {
    expect(gridLayout(1, 1280, 640, 8)).toEqual({ columns: 1, rows: 1, cellWidth: 1280, cellHeight: 640 });
  });

  it("puts two people side by side on a desktop", () => expect(shape(2, 1280, 640)).toBe("2x1"));
  it("stacks two people on a phone in portrait", () => expect(shape(2, 374, 640)).toBe("1x2"));
  it("uses a 2×2 grid for four on a desktop", () => expect(shape(4, 1280, 640)).toBe("2x2"));
  it("uses three columns for five or six on a desktop", () => {
    expect(shape(5, 1280, 640)).toBe("3x2");
    expect(shape(6, 1280, 640)).toBe("3x2");
  });
  it("uses two columns for three to six on a phone", () => {
    expect(shape(3, 374, 640)).toMatch(/^(1x3|2x2)$/);
    expect(shape(6, 374, 640)).toBe("2x3");
  });
  it("uses 3×3 for nine in a 16:9 area", () => expect(shape(9, 1280, 720)).toBe("3x3"));

  it("never leaves a whole row empty", () => {
    for (let n = 1; n <= 16; n++) {
      for (const [w, h] of [[1280, 640], [374, 640], [800, 800], [1000, 300]] as const) {
        const { columns, rows } = gridLayout(n, w, h);
        expect(columns * rows).toBeGreaterThanOrEqual(n);
        expect(columns * (rows - 1)).toBeLessThan(n);
      }
    }
  });

  it("copes with zero sizes and odd counts", () => {
    expect(gridLayout(0, 0, 0)).toMatchObject({ columns: 1, rows: 1 });
    expect(gridLayout(3, 0, 0).cellWidth).toBe(0);
  });

  it("subtracts the gaps from the cells", () => {
    expect(gridLayout(2, 1000, 400, 10)).toMatchObject({ columns: 2, cellWidth: 495, cellHeight: 400 });
  });
});

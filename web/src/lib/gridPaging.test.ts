import { describe, expect, it } from "vitest";
import { TILES_PER_PAGE, gridPage } from "./gridPaging";

const people = (n: number, speaking: number[] = []) =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, speaking: speaking.includes(i + 1) }));

describe("gridPage", () => {
  it("shows everyone on one page up to a full grid", () => {
    const page = gridPage(people(TILES_PER_PAGE - 1), 0);
    expect(page.pages).toBe(1);
    expect(page.visible.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("pages beyond a full grid and clamps the page number", () => {
    const eleven = people(11);
    expect(gridPage(eleven, 0).pages).toBe(2);
    expect(gridPage(eleven, 1).visible.map((p) => p.id)).toEqual([9, 10, 11]);
    expect(gridPage(eleven, 7).page).toBe(1);
    expect(gridPage(eleven, -3).page).toBe(0);
  });

  it("brings someone speaking on another page into view", () => {
    const page = gridPage(people(12, [11]), 0);
    expect(page.visible.map((p) => p.id)).toContain(11);
    expect(page.visible).toHaveLength(8);
    expect(page.visible.map((p) => p.id)).not.toContain(8);
  });
});

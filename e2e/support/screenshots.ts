/** Screenshots for people to look at: e2e/screenshots/<screen>-<width>x<height>.png. */
import type { Page } from '@playwright/test';
import path from 'node:path';

export const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../screenshots');

/** Captures `page` at every size in SIZES as `<screen>-<w>x<h>.png`, restoring the viewport. */
export async function captureAtAllSizes(page: Page, screen: string): Promise<void> {
  const original = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let layout settle on the new size before capturing.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: path.join(dir, `${screen}-${size.width}x${size.height}.png`) });
  }
  if (original) await page.setViewportSize(original);
}

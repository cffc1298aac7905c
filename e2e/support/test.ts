/**
 * Playwright's `test`, with every browser context a test opened closed when it ends. The
 * browser lives for the whole run, and a context left open keeps its fake camera and its calls
 * running: the next tests would share the two cores with it.
 */
import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';

export const test = base.extend<{ closeContexts: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    { auto: true },
  ],
});

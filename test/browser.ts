// Debian's Chromium driven by playwright-core (no browser download): headless, sandbox-less (root in CI),
// nothing phoning home, a fresh profile per run.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "earshot-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh browser with one page, waiting at most 20 s for anything. */
export async function launchPage(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  return { ...browser, page };
}

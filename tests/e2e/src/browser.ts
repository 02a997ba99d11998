import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package (`.ci/run` installs it); playwright-core drives it, downloading nothing. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function chromiumIsInstalled(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the browser tests can run. As with nginx: in CI a missing chromium is a broken machine
 * and fails the run; elsewhere the tests are skipped, and the run says so.
 */
export function chromiumIsAvailable(): boolean {
  if (chromiumIsInstalled()) return true;
  const message = `this machine lacks ${CHROMIUM} (Debian/Ubuntu: sudo apt-get install chromium; or set CHROMIUM_PATH), so the browser tests do not run.`;
  if (process.env.CI) throw new Error(`${message} CI needs it.`);
  console.warn(`browser tests skipped: ${message}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox: CI runs as root, where Chromium refuses it. The rest keeps the browser from
    // reaching the network on its own (updates, field trials), which this machine cannot.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

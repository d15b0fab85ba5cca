// What the browser-based tests need from the machine, and the house rule for when it is missing:
// skip with a message on a developer's machine, fail when CI=true.
import { existsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright-core';

export const chromiumPath = process.env.DIGIT_LENS_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for Debian's Chromium, headless, as root, in a container with a small /dev/shm. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const chromiumLaunch: LaunchOptions = { executablePath: chromiumPath, headless: true, args: chromiumArgs };

/**
 * undefined when everything in `needs` is present; otherwise the reason to skip. Under CI the
 * absence is an error: CI installs these, so a missing one means the setup is broken.
 */
export function missingPrerequisite(needs: { what: string; path: string; install: string }[]): string | undefined {
  const missing = needs.filter((n) => !existsSync(n.path));
  if (missing.length === 0) return undefined;
  const reason = missing.map((n) => `${n.what} not found at ${n.path} (${n.install})`).join('; ');
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return reason;
}

export const chromiumNeed = { what: 'Chromium', path: chromiumPath, install: 'apt-get install -y chromium' };

import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The machine's Chromium, which the browser tests drive (never a downloaded one); undefined when there is none. */
export const CHROMIUM: string | undefined = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].find((p) => existsSync(p));

/** Whether a test runs Chromium as root (a container), where its sandbox cannot start. */
export const CHROMIUM_AS_ROOT = process.getuid?.() === 0;

/**
 * The flags of every Chromium a test starts: headless, without its sandbox as root, and (TOOLCHAIN.md) contacting
 * nothing but loopback: left to itself Chromium reaches for update, account and media hosts.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  ...(CHROMIUM_AS_ROOT ? ['--no-sandbox'] : []),
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-sync',
  '--disable-features=MediaRouter,OptimizationHints',
];

/** A profile folder of its own for one Chromium (`--user-data-dir`), so that no state is shared with another. */
export function chromiumProfile(name: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `switchyard-${name}-chromium-`));
}

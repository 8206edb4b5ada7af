/**
 * Debian's Chromium as the end-to-end tests launch it.
 *
 * @module
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

// Nothing that reaches out to the network on its own: on a machine without internet access those
// background connections are refused and slow the browser down.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Throws with the install command when Debian's chromium package is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  }
}

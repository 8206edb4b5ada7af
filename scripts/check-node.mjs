#!/usr/bin/env node
// Runs before `pnpm install` (the root `preinstall` script): on a Node.js line this workspace does
// not support, stop with one sentence that says what to install, instead of a tool failing later
// with an error that names neither Node nor the version (README, "Supported runtimes").
// pnpm only warns about the root `engines` field; its `engineStrict` setting would also refuse
// dependencies whose own `engines` lists forget a newer line, so the check lives here.
// Plain syntax only: this file must run on the old Node.js it refuses.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = manifest.engines.node;
const minimum = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(wanted);
if (!minimum) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR.PATCH", not "${wanted}"`);

const current = process.versions.node.split('.').map(Number);
const floor = minimum.slice(1).map(Number);
let older = false;
for (let i = 0; i < 3; i++) {
  if (current[i] !== floor[i]) {
    older = current[i] < floor[i];
    break;
  }
}
if (older) {
  console.error(
    `mcp-warden needs Node.js ${floor.join('.')} or newer (a 22, 24 or 26 LTS release); this is Node.js ${process.versions.node}. ` +
      'Install a supported Node.js (README, "Supported runtimes"), then run the command again.',
  );
  process.exit(1);
}

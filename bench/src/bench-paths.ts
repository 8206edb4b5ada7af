/**
 * Where the built scripts live. The harness runs from `dist/run.js` (pnpm bench) or from source
 * under vitest; either way the server processes it starts are the built `dist/` scripts.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findPackageRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@mcp-warden/bench') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the @mcp-warden/bench package root');
    dir = parent;
  }
}

/** The `bench/` directory. */
export const BENCH_ROOT = findPackageRoot(import.meta.dirname);
/** The repository root. */
export const REPO_ROOT = dirname(BENCH_ROOT);
/** A built benchmark script, e.g. `servers/serve-hono.js`. */
export const builtScript = (name: string): string => join(BENCH_ROOT, 'dist', name);
/** The built reference server. */
export const APPS_SERVER_MAIN = join(REPO_ROOT, 'apps', 'server', 'dist', 'main.js');

/** Fails with the command to run when a script has not been built. */
export function assertBuilt(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm build\` (or \`pnpm bench\`) first`);
}

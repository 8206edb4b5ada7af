/**
 * The packages as users get them: `@mcp-warden/core`, `metadata` and `hono` packed with
 * `pnpm pack` (as scripts/check-packages.mjs does), unpacked into the `node_modules` of a scratch
 * copy of an example, next to the example's other dependencies (`hono`, and core's `jose` and
 * `zod`) linked from this workspace, so no registry is needed.
 *
 * @module
 */

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const here = resolve(repoRoot, 'packages/runtime-tests');

/** The packages under test, by folder under packages/. */
const PACKED = ['core', 'metadata', 'hono'] as const;

/** Tarballs of the packed packages, made once per test run by {@link packPackages}. */
export interface PackedPackages {
  dir: string;
  tarballs: Record<(typeof PACKED)[number], string>;
  close(): void;
}

/** `pnpm pack` of core, metadata and hono (their `dist` must be built: `pnpm build`). */
export function packPackages(): PackedPackages {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-runtimes-'));
  const tarballs = {} as PackedPackages['tarballs'];
  for (const name of PACKED) {
    const before = new Set(readdirSync(dir));
    execFileSync('pnpm', ['pack', '--pack-destination', dir], {
      cwd: join(repoRoot, 'packages', name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const file = readdirSync(dir).find((entry) => !before.has(entry) && entry.endsWith('.tgz'));
    if (file === undefined) throw new Error(`pnpm pack made no tarball for packages/${name}`);
    tarballs[name] = join(dir, file);
  }
  return { dir, tarballs, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where a dependency of `fromPackage` (a folder under packages/) lives in this workspace. */
function workspaceDependency(fromPackageDir: string, name: string): string {
  return realpathSync(join(fromPackageDir, 'node_modules', name));
}

/**
 * A scratch project: a copy of `sourceDir` (an example, or this package's fixtures) with a
 * `node_modules` holding the unpacked tarballs and links to `hono`, `jose` and `zod`.
 */
export function scratchProject(packed: PackedPackages, sourceDir: string): string {
  const project = join(packed.dir, `project-${readdirSync(packed.dir).length}`);
  cpSync(sourceDir, project, { recursive: true, filter: (path) => !path.includes('node_modules') });
  for (const [name, tarball] of Object.entries(packed.tarballs)) {
    const target = join(project, 'node_modules', '@mcp-warden', name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  }
  const links: Record<string, string> = {
    hono: workspaceDependency(here, 'hono'),
    jose: workspaceDependency(join(repoRoot, 'packages/core'), 'jose'),
    zod: workspaceDependency(join(repoRoot, 'packages/core'), 'zod'),
  };
  for (const [name, path] of Object.entries(links)) symlinkSync(path, join(project, 'node_modules', name), 'dir');
  return project;
}

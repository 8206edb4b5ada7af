// The workspace's publishable packages: every packages/* folder whose package.json is not private.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** @returns {{ name: string, dir: string, manifest: Record<string, any> }[]} */
export function publishablePackages() {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .map((folder) => {
      const dir = join(packagesDir, folder);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, dir, manifest };
    })
    .filter((pkg) => !pkg.manifest.private)
    .sort((a, b) => a.name.localeCompare(b.name));
}

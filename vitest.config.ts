import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './scripts/summary-reporter.js';

/**
 * Every workspace package with a package.json, as an inline project that inherits the options
 * below (`extends: true`); a project found by a directory glob would not inherit them.
 */
const workspaceProjects = ['packages', 'apps']
  .flatMap((folder) => readdirSync(folder).map((name) => join(folder, name)))
  .concat('bench')
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({
    extends: true as const,
    test: { name: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name, root: dir },
  }));

export default defineConfig({
  test: {
    // The default output, then one closing `N passed, M failed` line (scripts/summary-reporter.ts).
    reporters: ['default', new SummaryReporter()],
    // Many tests start real server processes, authorization servers and browsers. On a loaded
    // 2-core machine a start-up can take several seconds, so a test's own assertions decide what
    // is fast enough, never vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      ...workspaceProjects,
      {
        extends: true,
        test: {
          name: 'repo',
          include: ['scripts/**/*.test.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './scripts/summary-reporter.js';

export default defineConfig({
  test: {
    // The default output, then one closing `N passed, M failed` line (scripts/summary-reporter.ts).
    reporters: ['default', new SummaryReporter()],
    projects: [
      'packages/*',
      'apps/*',
      'bench',
      {
        test: {
          name: 'repo',
          include: ['scripts/**/*.test.ts'],
        },
      },
    ],
  },
});

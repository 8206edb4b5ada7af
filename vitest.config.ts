import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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

import type { Options } from 'tsup';

/**
 * The one build recipe every publishable package shares: ESM + CJS with matching
 * declaration files (`.d.ts` / `.d.cts`). A package's own `tsup.config.ts` only names
 * its entry points, so a later move to tsdown is a one-file change.
 */
export function libraryBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // In watch mode every package rebuilds at once: cleaning would delete a dependency's dist
    // while a dependent (the reference server) is loading it.
    clean: !process.argv.includes('--watch'),
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

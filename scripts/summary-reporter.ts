/**
 * A vitest reporter that ends every run with one plain line, `N passed, M failed` (and
 * `, K skipped` when any were): the closing line CI and the hardening suite report (docs/security.md).
 * A file that did not load, a suite whose hook threw, and each unhandled error count as one
 * failure each, so a run that broke before its tests never reads as green.
 *
 * @module
 */
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Counts test results across every module of the run.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', new SummaryReporter()] } });
 * ```
 */
export class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      // A file that did not load, or a hook that threw (its tests then read as skipped).
      if (module.errors().length > 0) failed++;
      for (const suite of module.children.allSuites()) if (suite.errors().length > 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}

/**
 * A vitest reporter that ends every run with one plain line, `N passed, M failed` (and
 * `, K skipped` when any were): the closing line CI and the hardening suite report (issue 8).
 * Failed modules (a file that did not load) and unhandled errors count as failures, so a run
 * that broke before its tests never reads as green.
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
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (tests === 0 && module.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}

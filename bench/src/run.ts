/**
 * `pnpm bench`: runs the harness and writes bench/RESULTS.md (and, after a full run, the root
 * README's performance section).
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ROOT, REPO_ROOT } from './bench-paths.js';
import type { BenchReport } from './bench-report.js';
import { parseCliOptions } from './cli-options.js';
import { runBenchmark } from './harness.js';
import { renderReadmeSummary, renderResults, replaceReadmeSection } from './results-markdown.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

let cli: ReturnType<typeof parseCliOptions>;
try {
  cli = parseCliOptions(process.argv.slice(2), BENCH_ROOT, log);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

// Inputs are read before the run, and the raw report is written first: a full run takes most of
// an hour, and a mistyped --notes path must not throw its figures away at the end.
let notes: string | undefined;
try {
  notes = cli.notes === undefined ? undefined : readFileSync(cli.notes, 'utf8');
} catch (error) {
  process.stderr.write(`--notes: ${(error as Error).message}\n`);
  process.exit(2);
}
const report: BenchReport =
  cli.fromJson === undefined ? await runBenchmark(cli.bench) : JSON.parse(readFileSync(cli.fromJson, 'utf8'));
if (cli.json !== undefined) writeFileSync(cli.json, `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderResults(report, notes);
writeFileSync(cli.out, markdown);
if (cli.readme) {
  const readmePath = join(REPO_ROOT, 'README.md');
  writeFileSync(readmePath, replaceReadmeSection(readFileSync(readmePath, 'utf8'), renderReadmeSummary(report)));
}
log(`wrote ${cli.out}`);
for (const target of report.targets) {
  log(
    `${target.met === null ? 'n/a   ' : target.met ? 'met   ' : 'MISSED'} ${target.kind} ${target.subject}: ${target.figure} (${target.margin})`,
  );
}
if (report.failures.length > 0) {
  log(`${report.failures.length} section(s) failed:\n${report.failures.join('\n')}`);
  process.exitCode = 1;
}

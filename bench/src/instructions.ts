/**
 * `pnpm --filter @mcp-warden/bench bench:instructions`: the instruction counts of bench/README.md,
 * "Instruction counts". Needs valgrind. Counts what the options select, writes the figures as
 * JSON (`--json`, default bench/instructions.json) and, with `--results`, renders the
 * "Instruction counts" section of bench/RESULTS.md from every JSON file given to `--from-json`
 * (comma list; runs can be split and rendered together).
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH_ROOT } from './bench-paths.js';
import { INSTRUCTION_ALGORITHMS, INSTRUCTION_SUBJECTS } from './instructions/instruction-config.js';
import {
  DEFAULT_INSTRUCTION_PLAN,
  type InstructionFigure,
  runInstructionCounts,
} from './instructions/instruction-count.js';
import { renderInstructionSection, replaceInstructionSection } from './instructions/instruction-results.js';
import {
  DEFAULT_SERVER_PLAN,
  runServerInstructionCounts,
  runServerWindowCounts,
  SERVER_SUBJECTS,
  type ServerInstructionFigure,
  type ServerInstructionPlan,
} from './instructions/server-instructions.js';
import { FRAMEWORKS } from './servers/server-config.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const list = <T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] => {
  const value = option(name);
  if (value === undefined) return [...fallback];
  if (value === 'none') return [];
  const items = value.split(',').map((item) => item.trim());
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return items as T[];
};
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `--server-requests warmup,small,large`: more requests between the two counts shrink what one
 * run's garbage-collection and JIT timing adds to the per-request figure. With `--server-window`
 * each subject is counted inside one process instead: `warmup` requests, then `large - small`
 * counted.
 */
function serverRequests(): Pick<ServerInstructionPlan, 'warmup' | 'small' | 'large'> {
  const value = option('--server-requests');
  if (value === undefined) return DEFAULT_SERVER_PLAN;
  const [warmup, small, large] = value.split(',').map(Number);
  if (![warmup, small, large].every((n) => Number.isSafeInteger(n) && n! >= 0) || !(large! > small!) || warmup! < 1) {
    throw new Error(`--server-requests: expected warmup,small,large with warmup ≥ 1 and large > small, got ${value}`);
  }
  return { warmup: warmup!, small: small!, large: large! };
}

interface SavedRun {
  date: string;
  node: string;
  distinct: InstructionFigure[];
  servers: ServerInstructionFigure[];
}

const fromJson = option('--from-json');
let runs: SavedRun[];
if (fromJson !== undefined) {
  // A trailing or doubled comma (a list built by a shell) names no file, so it is skipped.
  const files = fromJson
    .split(',')
    .map((file) => file.trim())
    .filter((file) => file !== '');
  if (files.length === 0) throw new Error('--from-json needs at least one saved run (a comma-separated list of files)');
  runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as SavedRun);
} else {
  const algorithms = list('--algorithms', INSTRUCTION_ALGORITHMS, DEFAULT_INSTRUCTION_PLAN.algorithms);
  const subjects = list('--subjects', INSTRUCTION_SUBJECTS, DEFAULT_INSTRUCTION_PLAN.subjects);
  const frameworks = list('--servers', FRAMEWORKS, FRAMEWORKS);
  // callgrind's files kept for `callgrind_annotate`, e.g. to compare two subjects function by function.
  const keepCallgrind = option('--keep-callgrind') === undefined ? undefined : resolve(option('--keep-callgrind')!);
  if (keepCallgrind !== undefined) mkdirSync(keepCallgrind, { recursive: true });
  const serverSubjects = list('--server-subjects', SERVER_SUBJECTS, DEFAULT_SERVER_PLAN.subjects);
  const distinct =
    algorithms.length === 0 || subjects.length === 0
      ? []
      : await runInstructionCounts({ ...DEFAULT_INSTRUCTION_PLAN, algorithms, subjects }, log);
  const servers =
    frameworks.length === 0 || serverSubjects.length === 0
      ? []
      : await (args.includes('--server-window') ? runServerWindowCounts : runServerInstructionCounts)(
          {
            ...serverRequests(),
            frameworks,
            subjects: serverSubjects,
            ...(keepCallgrind === undefined ? {} : { keepDir: keepCallgrind }),
          },
          log,
        );
  const run: SavedRun = { date: new Date().toISOString(), node: process.version, distinct, servers };
  const out = option('--json') ?? join(BENCH_ROOT, 'instructions.json');
  writeFileSync(out, `${JSON.stringify(run, null, 2)}\n`);
  log(`wrote ${out}`);
  runs = [run];
}
if (args.includes('--results')) {
  const results = join(BENCH_ROOT, 'RESULTS.md');
  const section = renderInstructionSection(
    runs.flatMap((run) => run.distinct),
    runs.flatMap((run) => run.servers),
    {
      date: runs
        .map((run) => run.date.slice(0, 10))
        .sort()
        .at(-1)!,
      node: runs[0]!.node,
      ...(option('--note') ? { note: option('--note')! } : {}),
    },
  );
  writeFileSync(results, replaceInstructionSection(readFileSync(results, 'utf8'), section));
  log(`wrote the "Instruction counts" section of ${results}`);
}

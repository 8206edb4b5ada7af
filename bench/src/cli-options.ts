/**
 * Command-line options of `pnpm bench`.
 *
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchOptions, defaultOptions, SECTIONS, type Section } from './bench-options.js';
import { FRAMEWORKS, type Framework } from './servers/server-config.js';
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js';

/** Options plus where to write. */
export interface CliOptions {
  bench: BenchOptions;
  /** RESULTS.md path. */
  out: string;
  /** Raw results as JSON, when set. */
  json?: string;
  /** Update the root README's performance section. */
  readme: boolean;
  /** A Markdown file whose text RESULTS.md includes as its notes on the figures. */
  notes?: string;
  /** Render a report saved with --json instead of running the benchmark. */
  fromJson?: string;
}

export const USAGE = `Usage: pnpm bench [--quick] [options]

  --quick                 every variant for about a second (a smoke test, not results)
  --only <regex>          HTTP variant ids to run, e.g. "^hono/" or "rs256-repeated"
  --frameworks <list>     express,fastify,hono
  --algorithms <list>     RS256,ES256,EdDSA
  --skip <list>           sections to skip: http,micro,dpop,cold-start,memory
  --rounds <n>            rounds of every HTTP variant
  --duration <seconds>    measured seconds per HTTP run
  --connections <n>       autocannon connections
  --memory-requests <n>   invalid tokens in the memory test
  --no-profile            do not profile the servers behind missed targets
  --note <text>           a note for RESULTS.md (e.g. other load on the machine)
  --notes <file>          a Markdown file included in RESULTS.md as notes on the figures
  --out <file>            RESULTS.md path (default bench/RESULTS.md; quick: bench/RESULTS.quick.md)
  --json <file>           also write the raw results as JSON
  --from-json <file>      render RESULTS.md (and the README summary) from a saved --json report
  --no-readme             do not update the root README's performance section`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
  }
  return items as T[];
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
  return n;
}

/**
 * Parses argv (without node and script) into options; throws with a message on bad input.
 * Relative file paths are taken from `invokedFrom`, the directory the command was typed in:
 * `pnpm bench` runs the script inside bench/, so `--notes bench/NOTES.md` typed at the
 * repository root would otherwise point at bench/bench/NOTES.md (pnpm keeps the original
 * directory in `INIT_CWD`).
 */
export function parseCliOptions(
  argv: readonly string[],
  benchRoot: string,
  log?: (line: string) => void,
  invokedFrom: string = process.env.INIT_CWD ?? process.cwd(),
): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      frameworks: { type: 'string' },
      algorithms: { type: 'string' },
      skip: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'memory-requests': { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      note: { type: 'string' },
      notes: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'from-json': { type: 'string' },
      'no-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const mode = values.quick ? 'quick' : 'full';
  const bench = defaultOptions(mode, log);
  const skip = list<Section>(values.skip, SECTIONS, 'skip') ?? [];
  const frameworks = list<Framework>(values.frameworks, FRAMEWORKS, 'frameworks');
  const algorithms = list<BenchAlgorithm>(values.algorithms, BENCH_ALGORITHMS, 'algorithms');
  const rounds = positive(values.rounds, 'rounds');
  const duration = positive(values.duration, 'duration');
  const connections = positive(values.connections, 'connections');
  const memoryRequests = positive(values['memory-requests'], 'memory-requests');
  // The command as recorded in RESULTS.md: what reproduces the run, without the options that only
  // say where to write or what to add as prose.
  const outputOnly = new Set(['--note', '--notes', '--out', '--json', '--from-json']);
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (outputOnly.has(arg)) i++;
    else if (![...outputOnly].some((name) => arg.startsWith(`${name}=`))) args.push(arg);
  }
  const argsText = args.join(' ');
  return {
    bench: {
      ...bench,
      command: `pnpm bench${argsText === '' ? '' : ` ${argsText}`}`,
      sections: SECTIONS.filter((s) => !skip.includes(s)),
      ...(frameworks ? { frameworks } : {}),
      ...(algorithms ? { algorithms } : {}),
      ...(values.only === undefined ? {} : { only: new RegExp(values.only) }),
      ...(rounds ? { rounds: Math.round(rounds) } : {}),
      ...(duration ? { durationSeconds: duration } : {}),
      ...(connections ? { connections: Math.round(connections) } : {}),
      ...(memoryRequests ? { memoryRequests: Math.round(memoryRequests) } : {}),
      ...(values['no-profile'] ? { profileMisses: false } : {}),
      ...(values.note === undefined ? {} : { note: values.note }),
    },
    out:
      values.out === undefined
        ? `${benchRoot}/${mode === 'quick' ? 'RESULTS.quick.md' : 'RESULTS.md'}`
        : resolve(invokedFrom, values.out),
    ...(values.json === undefined ? {} : { json: resolve(invokedFrom, values.json) }),
    ...(values.notes === undefined ? {} : { notes: resolve(invokedFrom, values.notes) }),
    ...(values['from-json'] === undefined ? {} : { fromJson: resolve(invokedFrom, values['from-json']) }),
    // Only a full run of everything may rewrite the published summary.
    readme: mode === 'full' && !values['no-readme'] && values.only === undefined && skip.length === 0,
  };
}

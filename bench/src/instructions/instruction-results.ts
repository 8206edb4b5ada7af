/**
 * The "Instruction counts" section of bench/RESULTS.md: the figures of `bench:instructions` and
 * the targets they are judged by (docs/performance.md). Instruction counts are the same whatever
 * else the machine does, so these targets do not flip between runs the way throughput ratios do.
 *
 * @module
 */

import type { InstructionAlgorithm } from './instruction-config.js';
import type { InstructionFigure } from './instruction-count.js';
import { DEFAULT_SERVER_SUBJECTS, type ServerInstructionFigure, type ServerSubject } from './server-instructions.js';

/** Per distinct token: the pipeline's instructions at most this many times the node:crypto floor. */
export const DISTINCT_TARGETS: Record<InstructionAlgorithm, number> = { RS256: 1.2, ES256: 1.2, EdDSA: 1.2, HS256: 2 };
/** Repeated token: mcp-warden at most this many times the reference middleware's instructions per request. */
export const REPEATED_TARGET = 1.05;
/** Through the reference server: a repeated valid JWT at most this many times auth disabled, per request. */
export const REFERENCE_SERVER_TARGET = 1.03;
/** Against a peer library: mcp-warden's instructions per request below the peer's (strictly). */
export const PEER_TARGET = 1;

export const SECTION_START = '<!-- instruction-counts:start -->';
export const SECTION_END = '<!-- instruction-counts:end -->';

const int = (n: number | undefined) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const times = (n: number) => `${n.toFixed(3)}×`;

function row(required: number, ratio: number | undefined): [string, string] {
  if (ratio === undefined) return ['not measured', '–'];
  const met = ratio <= required;
  const margin = ((required - ratio) / required) * 100;
  return [met ? '**met**' : '**missed**', `${met ? 'under' : 'over'} by ${Math.abs(margin).toFixed(1)}%`];
}

const FRAMEWORK_ORDER = ['express', 'fastify', 'hono'] as const;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * `subject` against `base` on one framework. Windows counted inside one process, where both ran
 * side by side, are compared by their main threads (the JavaScript of every request; the helper
 * threads' share moves with their timing), and the median over windows is judged; without
 * windows, the differenced figures of all threads.
 */
function compareServers(
  servers: readonly ServerInstructionFigure[],
  framework: string,
  base: ServerSubject,
  subject: ServerSubject,
): { ratio: number | undefined; text: string } | undefined {
  const of = (name: ServerSubject) => servers.filter((f) => f.framework === framework && f.subject === name);
  const bases = of(base);
  const subjects = of(subject);
  if (bases.length === 0 && subjects.length === 0) return undefined;
  const pairs = subjects.flatMap((figure) => {
    const other = bases.find((b) => b.window !== undefined && b.window === figure.window);
    if (other === undefined || figure.mainThreadPerRequest === undefined || other.mainThreadPerRequest === undefined) {
      return [];
    }
    // windows counted before the compilers were told apart carry all threads whole
    const withoutCompilers = figure.runningPerRequest !== undefined && other.runningPerRequest !== undefined;
    return [
      {
        main: figure.mainThreadPerRequest / other.mainThreadPerRequest,
        total: withoutCompilers
          ? figure.runningPerRequest! / other.runningPerRequest!
          : figure.perRequest / other.perRequest,
        withoutCompilers,
        figure,
        other,
      },
    ];
  });
  if (pairs.length > 0) {
    const ratio = median(pairs.map((p) => p.main));
    const all = median(pairs.map((p) => p.total));
    const allThreads = pairs.every((p) => p.withoutCompilers) ? 'all threads without compilation' : 'all threads';
    const one = pairs.length === 1 ? pairs[0]! : undefined;
    const text =
      one === undefined
        ? `${times(ratio)} main thread, median of ${pairs.length} windows (${pairs.map((p) => times(p.main)).join(', ')}); ${allThreads} ${times(all)} (${pairs.map((p) => times(p.total)).join(', ')})`
        : `${times(ratio)} main thread (${int(one.figure.mainThreadPerRequest)} vs ${int(one.other.mainThreadPerRequest)}); ${allThreads} ${times(all)}`;
    return { ratio, text };
  }
  const a = subjects.find((f) => f.window === undefined)?.perRequest;
  const b = bases.find((f) => f.window === undefined)?.perRequest;
  const ratio = a === undefined || b === undefined ? undefined : a / b;
  return { ratio, text: ratio === undefined ? '–' : `${times(ratio)} (${int(a)} vs ${int(b)})` };
}

/** What figure a peer comparison reads: all threads without V8's compilers where the window told them apart. */
const running = (figure: ServerInstructionFigure) => figure.runningPerRequest ?? figure.perRequest;

/**
 * mcp-warden against each peer library of a framework, per token mode, from the windows where both
 * ran. Judged by all threads without V8's compilers, not the main thread alone: the jose-based
 * peers verify on libuv's thread pool (WebCrypto), so their main thread leaves out work they do.
 */
function comparePeers(servers: readonly ServerInstructionFigure[]): { label: string; ratio: number; text: string }[] {
  const rows: { label: string; ratio: number; text: string }[] = [];
  for (const framework of FRAMEWORK_ORDER) {
    for (const mode of ['repeated', 'distinct'] as const) {
      const peerSubject: ServerSubject = mode === 'repeated' ? 'peers-repeated' : 'peers-distinct';
      const wardenSubject: ServerSubject = mode === 'repeated' ? 'warden-repeated-no-cors' : 'warden-distinct-no-cors';
      const ofFramework = servers.filter((f) => f.framework === framework);
      const peers = [...new Set(ofFramework.filter((f) => f.subject === peerSubject).map((f) => f.peer ?? '?'))];
      for (const peer of peers) {
        const pairs = ofFramework.flatMap((figure) => {
          if (figure.subject !== peerSubject || figure.peer !== peer) return [];
          const warden = ofFramework.find((f) => f.subject === wardenSubject && f.window === figure.window);
          return warden === undefined ? [] : [{ warden, figure }];
        });
        if (pairs.length === 0) continue;
        const ratios = pairs.map((p) => running(p.warden) / running(p.figure));
        const ratio = median(ratios);
        const mains = pairs.flatMap((p) =>
          p.warden.mainThreadPerRequest === undefined || p.figure.mainThreadPerRequest === undefined
            ? []
            : [p.warden.mainThreadPerRequest / p.figure.mainThreadPerRequest],
        );
        const one = pairs.length === 1 ? pairs[0]! : undefined;
        const counted =
          one === undefined
            ? `${times(ratio)}, median of ${pairs.length} windows (${ratios.map(times).join(', ')})`
            : `${times(ratio)} (${int(running(one.warden))} vs ${int(running(one.figure))})`;
        const main = mains.length === 0 ? '' : `; main thread ${times(median(mains))}`;
        rows.push({ label: `${framework}: ${peer}, ${mode}`, ratio, text: `${counted}${main}` });
      }
    }
  }
  return rows;
}

/** The Markdown section, markers included. */
export function renderInstructionSection(
  distinct: readonly InstructionFigure[],
  servers: readonly ServerInstructionFigure[],
  meta: { date: string; node: string; note?: string },
): string {
  const lines = [SECTION_START, '## Instruction counts', ''];
  lines.push(
    `Counted with \`valgrind --tool=callgrind\` by \`pnpm --filter @mcp-warden/bench bench:instructions\` on ${meta.date}, Node.js ${meta.node} (bench/README.md, "Instruction counts"). The count moves far less with what else the machine is doing than time does, so these are the figures the targets are judged by; throughput ratios elsewhere in this file are secondary. Per distinct token, each subject runs in a process of its own twice, with the same warm-up and two different amounts of work; the difference divided by the difference in work is the cost of one more token, all threads together, without V8's compilers: compiling is warm-up, and how much of it falls between two counts depends on when V8's tiering decides (bench/src/instructions/callgrind-file.ts). Per request, the subjects of a framework are counted inside one process each, side by side (\`--server-window\`): after the warm-up the counters are zeroed and the next requests counted, thread by thread. The main thread runs every request's JavaScript and is what the server rows are judged by; the other threads are V8's background compiler and garbage-collector helpers, whose share of a window moves by several percent with their timing (whether a major collection's marking falls inside it), and is shown beside it without the compilers.`,
  );
  if (meta.note !== undefined) lines.push('', meta.note);
  lines.push(
    '',
    '| target | subject | required | measured | result | margin |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  const get = (alg: string, subject: string) => distinct.find((f) => f.alg === alg && f.subject === subject)?.perToken;
  for (const alg of Object.keys(DISTINCT_TARGETS) as InstructionAlgorithm[]) {
    const floor = get(alg, 'floor');
    const pipeline = get(alg, 'pipeline');
    const ratio = floor === undefined || pipeline === undefined ? undefined : pipeline / floor;
    const [result, margin] = row(DISTINCT_TARGETS[alg], ratio);
    lines.push(
      `| Distinct tokens vs the node:crypto floor | ${alg} | ≤ ${DISTINCT_TARGETS[alg]}× | ${ratio === undefined ? '–' : `${times(ratio)} (${int(pipeline)} vs ${int(floor)})`} | ${result} | ${margin} |`,
    );
  }
  for (const [label, base, subject, target] of [
    ['Repeated token vs the reference middleware', 'reference', 'warden-repeated', REPEATED_TARGET],
    [
      'Reference server, tools/list, repeated JWT vs auth disabled',
      'apps-no-auth',
      'apps-jwt-repeated',
      REFERENCE_SERVER_TARGET,
    ],
  ] as const) {
    for (const framework of FRAMEWORK_ORDER) {
      const comparison = compareServers(servers, framework, base, subject);
      if (comparison === undefined) continue;
      const [result, margin] = row(target, comparison.ratio);
      lines.push(`| ${label} | ${framework} | ≤ ${target}× | ${comparison.text} | ${result} | ${margin} |`);
    }
  }
  for (const peer of comparePeers(servers)) {
    const ahead = peer.ratio < PEER_TARGET;
    const margin = Math.abs(1 - peer.ratio) * 100;
    lines.push(
      `| Ahead of peers, per request | ${peer.label} | < ${PEER_TARGET}× the peer | ${peer.text} | ${ahead ? '**met**' : '**missed**'} | ${ahead ? 'ahead' : 'behind'} by ${margin.toFixed(1)}% |`,
    );
  }
  if (distinct.length > 0) {
    lines.push(
      '',
      '### Per distinct token',
      '',
      '"floor": node:crypto\'s own `verify` (or HMAC and `timingSafeEqual`) plus splitting the token and decoding and parsing its header and payload, the least any verifier does. "pipeline": `authenticator.authenticate()` as an adapter calls it (remote JWKS, or the shared secret for HS256; the verified-token cache in place, no hits), with the engine Node.js gets by default (node:crypto). "jose": `jwtVerify` with the key already imported. Instructions per token, all threads, V8\'s compilers left out, the loop itself subtracted; the last column counts the compilers too.',
      '',
      '| algorithm | floor | pipeline | pipeline / floor | raw jose | pipeline / jose | pipeline / floor, compilation counted |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const alg of Object.keys(DISTINCT_TARGETS)) {
      const floor = get(alg, 'floor');
      const pipeline = get(alg, 'pipeline');
      const jose = get(alg, 'jose');
      if (floor === undefined && pipeline === undefined && jose === undefined) continue;
      const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '–' : times(a / b));
      const compiled = (subject: string) =>
        distinct.find((f) => f.alg === alg && f.subject === subject)?.withCompilationPerToken;
      lines.push(
        `| ${alg} | ${int(floor)} | ${int(pipeline)} | ${ratio(pipeline, floor)} | ${int(jose)} | ${ratio(pipeline, jose)} | ${ratio(compiled('pipeline'), compiled('floor'))} |`,
      );
    }
  }
  if (servers.some((f) => DEFAULT_SERVER_SUBJECTS.includes(f.subject))) {
    lines.push(
      '',
      '### Per request',
      '',
      '"reference": the benchmark server with the reference middleware (reads the header, adds the CORS headers, verifies nothing); "warden": mcp-warden with one repeated RS256 token, the same request (`GET /mcp`). "apps/server": the reference MCP server answering `tools/list` (`POST /mcp`, the headers the official SDK client sends), with authentication disabled or with a repeated valid RS256 JWT; every request carries the same `Authorization` header. Counted inside one process: main thread / all threads (without V8\'s compilers where the window told them apart), one row per window; otherwise the differenced figure of all threads.',
      '',
      '| framework | window | reference | warden, repeated token | apps/server, auth disabled | apps/server, repeated JWT |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const framework of FRAMEWORK_ORDER) {
      const ofFramework = servers.filter((f) => f.framework === framework);
      const windows = [...new Set(ofFramework.map((f) => f.window ?? 'differenced'))];
      for (const window of windows) {
        if (
          !ofFramework.some(
            (f) => (f.window ?? 'differenced') === window && DEFAULT_SERVER_SUBJECTS.includes(f.subject),
          )
        )
          continue;
        const cells = DEFAULT_SERVER_SUBJECTS.map((subject) => {
          const figure = ofFramework.find((f) => (f.window ?? 'differenced') === window && f.subject === subject);
          if (figure === undefined) return '–';
          return figure.mainThreadPerRequest === undefined
            ? int(figure.perRequest)
            : `${int(figure.mainThreadPerRequest)} / ${int(figure.runningPerRequest ?? figure.perRequest)}`;
        });
        const when = window === 'differenced' ? 'two processes, differenced' : window.slice(11, 19);
        lines.push(`| ${framework} | ${when} | ${cells.join(' | ')} |`);
      }
    }
  }
  const peerFigures = servers.filter((f) => !DEFAULT_SERVER_SUBJECTS.includes(f.subject));
  if (peerFigures.length > 0) {
    lines.push(
      '',
      '### Per request, against the peers',
      '',
      "The peer libraries configured as in the throughput rows (bench/src/variants.ts), mcp-warden with `cors: false` so that both answer the same response, keys from the local JWKS server; `GET /mcp` with one repeated RS256 token, or a token never sent before on every request (the verified-token cache misses every time). Main thread / all threads without V8's compilers, one row per window. The targets are judged by all threads: the jose-based peers verify on libuv's thread pool.",
      '',
      '| framework | window | subject | main thread | all threads |',
      '| --- | --- | --- | ---: | ---: |',
    );
    for (const framework of FRAMEWORK_ORDER) {
      const ofFramework = peerFigures
        .filter((f) => f.framework === framework)
        .sort((a, b) => (a.window ?? '').localeCompare(b.window ?? ''));
      for (const figure of ofFramework) {
        const subject =
          figure.peer === undefined
            ? `mcp-warden, ${figure.subject.split('-')[1]}`
            : `${figure.peer}, ${figure.subject.split('-')[1]}`;
        const when = figure.window === undefined ? 'two processes, differenced' : figure.window.slice(11, 19);
        lines.push(
          `| ${framework} | ${when} | ${subject} | ${int(figure.mainThreadPerRequest)} | ${int(running(figure))} |`,
        );
      }
    }
  }
  lines.push(SECTION_END);
  return lines.join('\n');
}

/** `markdown` with the section replaced (or added before "## Reproduce", else at the end). */
export function replaceInstructionSection(markdown: string, section: string): string {
  const start = markdown.indexOf(SECTION_START);
  const end = markdown.indexOf(SECTION_END);
  if (start !== -1 && end > start)
    return `${markdown.slice(0, start)}${section}${markdown.slice(end + SECTION_END.length)}`;
  const reproduce = markdown.indexOf('## Reproduce');
  if (reproduce !== -1) return `${markdown.slice(0, reproduce)}${section}\n\n${markdown.slice(reproduce)}`;
  return `${markdown.trimEnd()}\n\n${section}\n`;
}

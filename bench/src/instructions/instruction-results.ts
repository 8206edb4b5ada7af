/**
 * The "Instruction counts" section of bench/RESULTS.md: the figures of `bench:instructions` and
 * the targets they are judged by (docs/performance.md). Instruction counts are the same whatever
 * else the machine does, so these targets do not flip between runs the way throughput ratios do.
 *
 * @module
 */

import type { InstructionAlgorithm } from './instruction-config.js';
import type { InstructionFigure } from './instruction-count.js';
import type { ServerInstructionFigure } from './server-instructions.js';

/** Per distinct token: the pipeline's instructions at most this many times the node:crypto floor. */
export const DISTINCT_TARGETS: Record<InstructionAlgorithm, number> = { RS256: 1.2, ES256: 1.2, EdDSA: 1.2, HS256: 2 };
/** Repeated token: mcp-warden at most this many times the reference middleware's instructions per request. */
export const REPEATED_TARGET = 1.05;
/** Through the reference server: a repeated valid JWT at most this many times auth disabled, per request. */
export const REFERENCE_SERVER_TARGET = 1.03;

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

/** The Markdown section, markers included. */
export function renderInstructionSection(
  distinct: readonly InstructionFigure[],
  servers: readonly ServerInstructionFigure[],
  meta: { date: string; node: string; note?: string },
): string {
  const lines = [SECTION_START, '## Instruction counts', ''];
  lines.push(
    `Counted with \`valgrind --tool=callgrind\` by \`pnpm --filter @mcp-warden/bench bench:instructions\` on ${meta.date}, Node.js ${meta.node}. Each subject runs in a process of its own twice, with the same warm-up and two different amounts of work; the difference divided by the difference in work is the cost of one more token or request, all threads together (bench/README.md, "Instruction counts"). The count moves far less with what else the machine is doing than time does, so these are the figures the targets are judged by; throughput ratios elsewhere in this file are secondary. It is not fixed, though: the garbage collector and the JIT compiler run when their timers and background threads say, and a whole server's figure can move by several percent between two runs of the same subject, so a server row near its target needs several runs.`,
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
  const server = (framework: string, subject: string) =>
    servers.find((f) => f.framework === framework && f.subject === subject)?.perRequest;
  for (const framework of ['express', 'fastify', 'hono']) {
    const reference = server(framework, 'reference');
    const warden = server(framework, 'warden-repeated');
    if (reference === undefined && warden === undefined) continue;
    const ratio = reference === undefined || warden === undefined ? undefined : warden / reference;
    const [result, margin] = row(REPEATED_TARGET, ratio);
    lines.push(
      `| Repeated token vs the reference middleware | ${framework} | ≤ ${REPEATED_TARGET}× | ${ratio === undefined ? '–' : `${times(ratio)} (${int(warden)} vs ${int(reference)})`} | ${result} | ${margin} |`,
    );
  }
  for (const framework of ['express', 'fastify', 'hono']) {
    const off = server(framework, 'apps-no-auth');
    const jwt = server(framework, 'apps-jwt-repeated');
    if (off === undefined && jwt === undefined) continue;
    const ratio = off === undefined || jwt === undefined ? undefined : jwt / off;
    const [result, margin] = row(REFERENCE_SERVER_TARGET, ratio);
    lines.push(
      `| Reference server, tools/list, repeated JWT vs auth disabled | ${framework} | ≤ ${REFERENCE_SERVER_TARGET}× | ${ratio === undefined ? '–' : `${times(ratio)} (${int(jwt)} vs ${int(off)})`} | ${result} | ${margin} |`,
    );
  }
  if (distinct.length > 0) {
    lines.push(
      '',
      '### Per distinct token',
      '',
      '"floor": node:crypto\'s own `verify` (or HMAC and `timingSafeEqual`) plus splitting the token and decoding and parsing its header and payload, the least any verifier does. "pipeline": `authenticator.authenticate()` as an adapter calls it (remote JWKS, or the shared secret for HS256; the verified-token cache in place, no hits), with the engine Node.js gets by default (node:crypto). "jose": `jwtVerify` with the key already imported. Instructions per token, the loop itself subtracted.',
      '',
      '| algorithm | floor | pipeline | pipeline / floor | raw jose | pipeline / jose |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const alg of Object.keys(DISTINCT_TARGETS)) {
      const floor = get(alg, 'floor');
      const pipeline = get(alg, 'pipeline');
      const jose = get(alg, 'jose');
      if (floor === undefined && pipeline === undefined && jose === undefined) continue;
      const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '–' : times(a / b));
      lines.push(
        `| ${alg} | ${int(floor)} | ${int(pipeline)} | ${ratio(pipeline, floor)} | ${int(jose)} | ${ratio(pipeline, jose)} |`,
      );
    }
  }
  if (servers.length > 0) {
    lines.push(
      '',
      '### Per request',
      '',
      '"reference": the benchmark server with the reference middleware (reads the header, adds the CORS headers, verifies nothing); "warden": mcp-warden with one repeated RS256 token, the same request (`GET /mcp`). "apps/server": the reference MCP server answering `tools/list` (`POST /mcp`, the headers the official SDK client sends), with authentication disabled or with a repeated valid RS256 JWT; every request carries the same `Authorization` header.',
      '',
      '| framework | reference | warden, repeated token | apps/server, auth disabled | apps/server, repeated JWT |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const framework of ['express', 'fastify', 'hono']) {
      const cells = ['reference', 'warden-repeated', 'apps-no-auth', 'apps-jwt-repeated'].map((s) =>
        int(server(framework, s)),
      );
      if (cells.every((c) => c === '–')) continue;
      lines.push(`| ${framework} | ${cells.join(' | ')} |`);
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

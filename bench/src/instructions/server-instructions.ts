/**
 * Instruction counts of whole requests (bench/README.md, "Instruction counts"): a server process
 * runs under `valgrind --tool=callgrind` and answers `warmup` requests, then `small` or `large`
 * more; the difference between the two runs divided by the difference in requests is what one
 * more request costs the server, all threads, whatever else the machine is doing.
 *
 * - per framework, the benchmark server with the reference middleware (reads the header, adds the
 *   CORS headers, verifies nothing) against mcp-warden with one repeated RS256 token, both
 *   `GET /mcp` with the same `Authorization` header;
 * - per framework, the reference server (apps/server) with authentication disabled against a
 *   repeated valid RS256 JWT, both `POST /mcp` `tools/list` with the headers the official SDK
 *   client sends, and the same `Authorization` header;
 * - per framework, mcp-warden (`cors: false`, keys from the local JWKS server) against every peer
 *   library of that framework, configured as in the throughput rows (`variants.ts`), with one
 *   repeated RS256 token or a distinct one on every request.
 *
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { APPS_SERVER_MAIN, assertBuilt, builtScript } from '../bench-paths.js';
import { type JwksServer, startJwksServer } from '../jwks-server.js';
import { freePort } from '../server-process.js';
import { FRAMEWORKS, type Framework, SERVER_CONFIG_ENV, type ServerConfig } from '../servers/server-config.js';
import { AUDIENCE, createSigningKey, type SigningKey, signAccessToken, signTokenPool } from '../tokens.js';
import { type PeerDefinition, peersOf, type VariantContext, wardenGuard } from '../variants.js';
import { countThreadFile } from './callgrind-file.js';

/**
 * What the server runs. `peers-repeated` and `peers-distinct` stand for one process per peer
 * library of the framework; they are compared with `warden-repeated-no-cors` and
 * `warden-distinct-no-cors` of the same window.
 */
export const SERVER_SUBJECTS = [
  'reference',
  'warden-repeated',
  'apps-no-auth',
  'apps-jwt-repeated',
  'warden-repeated-no-cors',
  'peers-repeated',
  'warden-distinct-no-cors',
  'peers-distinct',
] as const;
export type ServerSubject = (typeof SERVER_SUBJECTS)[number];

/** The subjects counted when none are named: the repeated-token targets against their baselines. */
export const DEFAULT_SERVER_SUBJECTS: readonly ServerSubject[] = [
  'reference',
  'warden-repeated',
  'apps-no-auth',
  'apps-jwt-repeated',
];

/** The subjects of the peer comparisons, three to four processes per window on each framework. */
export const PEER_SERVER_SUBJECTS: readonly ServerSubject[] = [
  'warden-repeated-no-cors',
  'peers-repeated',
  'warden-distinct-no-cors',
  'peers-distinct',
];

export interface ServerInstructionPlan {
  frameworks: readonly Framework[];
  subjects: readonly ServerSubject[];
  warmup: number;
  small: number;
  large: number;
  /**
   * Where callgrind's output files are kept for `callgrind_annotate` (`--keep-callgrind`); by
   * default they go to a temporary directory removed afterwards.
   */
  keepDir?: string;
}

export const DEFAULT_SERVER_PLAN: ServerInstructionPlan = {
  frameworks: FRAMEWORKS,
  subjects: DEFAULT_SERVER_SUBJECTS,
  warmup: 200,
  small: 100,
  large: 500,
};

/** Instructions per request of one subject on one framework. */
export interface ServerInstructionFigure {
  framework: Framework;
  subject: ServerSubject;
  /** For `peers-repeated` and `peers-distinct`: the peer library's name. */
  peer?: string;
  perRequest: number;
  /** The two processes' totals; counted inside one process (`--server-window`), 0 and the window's. */
  counts: { small: number; large: number };
  /** Counted inside one process: the main thread's instructions per request (the rest are V8's and libuv's helper threads). */
  mainThreadPerRequest?: number;
  /** Counted inside one process: all threads per request with V8's compilers left out (`callgrind-file.ts`). */
  runningPerRequest?: number;
  /** Counted inside one process: which window it was, so that the subjects counted side by side are compared. */
  window?: string;
}

const ISSUER = 'https://issuer.bench.test/';

/** A JSON-RPC `tools/list` as the official SDK client sends it on the 2025-11-25 wire. */
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
const SDK_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** What callgrind counted in one window: all threads, the main (JavaScript) thread alone, and V8's compilers in all threads. */
export interface WindowCount {
  total: number;
  main: number;
  compile: number;
}

interface Started {
  url: string;
  /** Zeroes callgrind's counters (`callgrind_control -z`). */
  zero(): void;
  /** What was counted since the last zero (`callgrind_control -d`, one dump file per thread). */
  dump(): WindowCount;
  stop(): Promise<number>;
}

/**
 * Starts `script` under callgrind; resolves once it prints its listening line. Threads are counted
 * separately (`--separate-threads=yes`): thread 1 runs the JavaScript of every request, the others
 * are V8's background compiler and garbage-collector helpers and libuv's pool, whose share of a
 * window moves with their timing (bench/README.md, "Instruction counts").
 */
async function startUnderCallgrind(
  { script, env, nodeFlags = [] }: SubjectProcess,
  dir: string,
  label: string,
): Promise<Started> {
  const logFile = join(dir, `callgrind-${label}-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const outFile = `${logFile}.out`;
  const processEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    ...env,
  };
  let dumps = 0;
  // callgrind_control finds the process through files named after its HOST and USER variables.
  const control = (command: string) =>
    execFileSync('callgrind_control', [command, String(child.pid)], {
      env: { PATH: processEnv.PATH, HOST: processEnv.HOST },
      stdio: 'ignore',
    });
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${outFile}`,
      '--separate-threads=yes',
      '--dump-instr=no',
      '--dump-line=no',
      `--log-file=${logFile}`,
      '--smc-check=all-non-file',
      process.execPath,
      ...nodeFlags,
      script,
    ],
    { env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match !== null) resolve(new URL(match[1]!.replace('localhost', '127.0.0.1')).origin);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`${script} exited before listening:\n${output.slice(0, 4000)}`)));
  });
  return {
    url,
    zero: () => control('-z'),
    dump() {
      control('-d');
      dumps += 1;
      const prefix = `${basename(outFile)}.${dumps}-`;
      const files = readdirSync(dir)
        .filter((name) => name.startsWith(prefix))
        .sort();
      if (files.length === 0) throw new Error(`no callgrind dump of ${script}`);
      const counts = files.map((name) => countThreadFile(join(dir, name)));
      return {
        total: counts.reduce((sum, c) => sum + c.total, 0),
        main: counts[0]!.total,
        compile: counts.reduce((sum, c) => sum + c.compile, 0),
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const collected = /Collected : (\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
      if (collected === undefined) throw new Error(`no instruction count for ${script}`);
      return Number(collected);
    },
  };
}

/**
 * Sends the first request until it is answered 200, for up to `patienceMs`. Under callgrind a
 * server's first key fetch (a JWKS, compiled and run instrumented) can outlast the 5-second
 * budget every library here gives it in production, and a failed fetch is retried after a
 * cool-down; the configuration stays the one the throughput rows measure.
 */
async function firstAnswer(url: string, init: RequestInit, signal?: AbortSignal, patienceMs = 300_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    signal?.throwIfAborted();
    const response = await fetch(url, init);
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} still answered ${response.status} after ${patienceMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Sends `count` requests one after another, the `i`-th with `init(offset + i)`; every answer must be 200. Stops when `signal` aborts. */
async function send(
  url: string,
  init: (index: number) => RequestInit,
  count: number,
  offset = 0,
  signal?: AbortSignal,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    signal?.throwIfAborted();
    const response = await fetch(url, init(offset + i));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  }
}

/** One server process to count: a subject, and for `peers-*` the peer library it runs. */
interface CountedProcess {
  subject: ServerSubject;
  peer?: PeerDefinition;
}

/** The processes of `subjects` on `framework`: `peers-*` becomes one process per peer. */
function processesOf(framework: Framework, subjects: readonly ServerSubject[]): CountedProcess[] {
  return subjects.flatMap((subject): CountedProcess[] =>
    subject === 'peers-repeated' || subject === 'peers-distinct'
      ? peersOf(framework).map((peer) => ({ subject, peer }))
      : [{ subject }],
  );
}

const isDistinct = (subject: ServerSubject) => subject === 'warden-distinct-no-cors' || subject === 'peers-distinct';

/**
 * What every process of a run shares. The baselines of the repeated-token targets verify with a
 * static key (`key`, issuer {@link ISSUER}); the peer comparisons read their keys from a local
 * JWKS server, as the throughput rows do (every benchmark algorithm's key published, RS256 tokens).
 */
interface Fixtures {
  key: SigningKey;
  publicKey: string;
  jwks: JwksServer;
  context: VariantContext;
  /** RS256 tokens from the JWKS server's issuer: one repeated, and `distinct` for one-per-request. */
  peerKey: SigningKey;
  repeated: string;
  distinct: string[];
}

async function createFixtures(subjects: readonly ServerSubject[], tokensNeeded: number): Promise<Fixtures> {
  const key = await createSigningKey('RS256', 'rs256-1');
  const jwks = await startJwksServer();
  const peerKeys = [
    await createSigningKey('RS256', 'rs256-1'),
    await createSigningKey('ES256', 'es256-1'),
    await createSigningKey('EdDSA', 'eddsa-1'),
  ];
  jwks.publish(
    'main',
    peerKeys.map((k) => k.publicJwk),
  );
  const peerKey = peerKeys[0]!;
  const distinct = subjects.some(isDistinct) ? await signTokenPool(peerKey, jwks.issuer, tokensNeeded) : [];
  return {
    key,
    publicKey: JSON.stringify(key.publicJwk),
    jwks,
    context: { issuer: jwks.issuer, jwksUri: jwks.url('main') },
    peerKey,
    repeated: await signAccessToken(peerKey, { issuer: jwks.issuer }),
    distinct,
  };
}

/** How one counted process is started, and the request it is sent (the `index`th of its run). */
interface SubjectProcess {
  script: string;
  env: Record<string, string>;
  /** Node.js and V8 options placed before the script. */
  nodeFlags?: readonly string[];
  init: (index: number) => RequestInit;
}

/**
 * The reference server's subjects run with V8's `--predictable-gc-schedule`. Each `tools/list`
 * through the SDK leaves tens of kilobytes that outlive the young generation, so a major
 * collection comes every few hundred requests; by default V8 sizes the heap, and so times those
 * collections, from the speeds it measures, and under callgrind whether one fell inside a window
 * of 1,000 requests was chance (bench/NOTES.md, "Major collections in the reference server's
 * windows"). With the schedule fixed they follow allocation alone, so the two modes, which
 * allocate alike, collect alike and a window compares their requests, collections included.
 */
const APPS_NODE_FLAGS = ['--predictable-gc-schedule'] as const;

/** The script, environment and requests of one process on one framework. */
async function subjectProcess(
  framework: Framework,
  { subject, peer }: CountedProcess,
  fixtures: Fixtures,
): Promise<SubjectProcess> {
  const { key, publicKey } = fixtures;
  if (peer !== undefined || subject === 'warden-repeated-no-cors' || subject === 'warden-distinct-no-cors') {
    const script = builtScript(`servers/serve-${framework}.js`);
    assertBuilt(script);
    const config: ServerConfig = {
      framework,
      guard: peer === undefined ? wardenGuard('RS256', false)(fixtures.context) : peer.guard(fixtures.context),
    };
    const { repeated, distinct } = fixtures;
    return {
      script,
      env: { [SERVER_CONFIG_ENV]: JSON.stringify(config) },
      init: isDistinct(subject)
        ? (index) => {
            const token = distinct[index];
            if (token === undefined) throw new Error(`only ${distinct.length} distinct tokens were signed`);
            return { headers: { authorization: `Bearer ${token}` } };
          }
        : () => ({ headers: { authorization: `Bearer ${repeated}` } }),
    };
  }
  let script: string;
  let env: Record<string, string>;
  if (subject === 'reference' || subject === 'warden-repeated') {
    script = builtScript(`servers/serve-${framework}.js`);
    const config: ServerConfig = {
      framework,
      guard:
        subject === 'reference'
          ? { kind: 'reference' }
          : {
              kind: 'mcp-warden',
              options: {
                authRequired: true,
                resourceUrl: AUDIENCE,
                jwtIssuer: ISSUER,
                jwtPublicKey: publicKey,
                jwtAlgorithms: ['RS256'],
              },
            },
    };
    env = { [SERVER_CONFIG_ENV]: JSON.stringify(config) };
  } else {
    script = APPS_SERVER_MAIN;
    const port = await freePort();
    env = {
      HOST: '127.0.0.1',
      PORT: String(port),
      MCP_HTTP_FRAMEWORK: framework,
      MCP_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
      MCP_LOG_LEVEL: 'info',
      ...(subject === 'apps-no-auth'
        ? { MCP_AUTH_ENABLED: 'false' }
        : {
            MCP_AUTH_REQUIRED: 'true',
            MCP_JWT_ISSUER: ISSUER,
            MCP_JWT_PUBLIC_KEY: publicKey,
            MCP_JWT_AUDIENCE: AUDIENCE,
            MCP_JWT_ALGORITHM: 'RS256',
          }),
    };
  }
  assertBuilt(script);
  // The same token on both sides of each comparison: the baselines receive it and ignore it.
  const token = await signAccessToken(
    { alg: 'RS256', kid: key.kid, privateKey: key.privateKey, publicJwk: key.publicJwk },
    { issuer: ISSUER, lifetimeSeconds: 86_400 },
  );
  const apps = subject.startsWith('apps-');
  const init: RequestInit = apps
    ? { method: 'POST', headers: { ...SDK_HEADERS, authorization: `Bearer ${token}` }, body: TOOLS_LIST }
    : { headers: { authorization: `Bearer ${token}` } };
  return { script, env, nodeFlags: apps ? APPS_NODE_FLAGS : [], init: () => init };
}

/**
 * Counts inside one process (bench/README.md, "Instruction counts"): every subject of a framework
 * at the same time, each in its own process, `warmup` requests, counters zeroed, then
 * `large - small` requests counted. Start-up and the warm-up's compilation stay out of the count,
 * and the machine's load falls on the subjects alike.
 */
export async function runServerWindowCounts(
  plan: ServerInstructionPlan,
  log: (line: string) => void = () => {},
): Promise<ServerInstructionFigure[]> {
  const dir = plan.keepDir ?? mkdtempSync(join(tmpdir(), 'mcp-warden-server-instructions-'));
  const counted = plan.large - plan.small;
  const fixtures = await createFixtures(plan.subjects, plan.warmup + counted);
  const figures: ServerInstructionFigure[] = [];
  try {
    for (const framework of plan.frameworks) {
      // One failing subject stops the others early, and every process is stopped before the
      // failure is reported: no server is left running under callgrind.
      const failed = new AbortController();
      const settled = await Promise.allSettled(
        processesOf(framework, plan.subjects).map(async (one) => {
          const startup = await subjectProcess(framework, one, fixtures);
          const { init } = startup;
          const label = `${framework}-${one.subject}${one.peer === undefined ? '' : `-${one.peer.slug}`}`;
          const server = await startUnderCallgrind(startup, dir, label);
          try {
            await firstAnswer(`${server.url}/mcp`, init(0), failed.signal);
            await send(`${server.url}/mcp`, init, plan.warmup - 1, 1, failed.signal);
            server.zero();
            await send(`${server.url}/mcp`, init, counted, plan.warmup, failed.signal);
            return { ...one, counted: server.dump() };
          } catch (error) {
            failed.abort();
            throw error;
          } finally {
            await server.stop();
          }
        }),
      );
      // the failure itself, not the others' stopping because of it
      const reasons = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (reasons.length > 0) throw reasons.find((reason) => reason !== failed.signal.reason) ?? reasons[0];
      const measured = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const window = `${new Date().toISOString()} ${framework}`;
      for (const { subject, peer, counted: count } of measured) {
        const perRequest = Math.round(count.total / counted);
        const mainThreadPerRequest = Math.round(count.main / counted);
        const runningPerRequest = Math.round((count.total - count.compile) / counted);
        figures.push({
          framework,
          subject,
          ...(peer === undefined ? {} : { peer: peer.name }),
          perRequest,
          counts: { small: 0, large: count.total },
          mainThreadPerRequest,
          runningPerRequest,
          window,
        });
        log(
          `instructions (one process): ${framework} ${subject}${peer === undefined ? '' : ` (${peer.name})`} ${perRequest.toLocaleString('en-US')} per request, ${mainThreadPerRequest.toLocaleString('en-US')} on the main thread`,
        );
      }
    }
    return figures;
  } finally {
    await fixtures.jwks.close();
    if (plan.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts every subject of the plan on every framework of it. */
export async function runServerInstructionCounts(
  plan: ServerInstructionPlan,
  log: (line: string) => void = () => {},
): Promise<ServerInstructionFigure[]> {
  const dir = plan.keepDir ?? mkdtempSync(join(tmpdir(), 'mcp-warden-server-instructions-'));
  const fixtures = await createFixtures(plan.subjects, plan.warmup + plan.large);
  const figures: ServerInstructionFigure[] = [];
  try {
    for (const framework of plan.frameworks) {
      for (const one of processesOf(framework, plan.subjects)) {
        const { subject, peer } = one;
        const counts = { small: 0, large: 0 };
        for (const size of ['small', 'large'] as const) {
          const startup = await subjectProcess(framework, one, fixtures);
          const { init } = startup;
          const server = await startUnderCallgrind(startup, dir, `${framework}-${subject}`);
          try {
            await firstAnswer(`${server.url}/mcp`, init(0));
            await send(`${server.url}/mcp`, init, plan.warmup + plan[size] - 1, 1);
          } finally {
            counts[size] = await server.stop();
          }
        }
        const perRequest = Math.round((counts.large - counts.small) / (plan.large - plan.small));
        figures.push({ framework, subject, ...(peer === undefined ? {} : { peer: peer.name }), perRequest, counts });
        log(
          `instructions: ${framework} ${subject}${peer === undefined ? '' : ` (${peer.name})`} ${perRequest.toLocaleString('en-US')} per request`,
        );
      }
    }
    return figures;
  } finally {
    await fixtures.jwks.close();
    if (plan.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

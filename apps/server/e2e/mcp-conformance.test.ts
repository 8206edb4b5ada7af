// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in package.json)
// against this project: its server scenarios against the reference server on every framework,
// with authentication off and with a bearer token from the embedded issuer, for each specification
// revision the suite defines requirements for (each run at that revision's wire); and its
// authorization-server scenarios against the development issuer. What fails on purpose is listed,
// with its reason, in mcp-conformance-expected-failures.json; anything else that fails, and any
// listed failure that starts passing, fails this test. docs/clients.md tells how to run the suite
// against your own server.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BearerProxy, startBearerProxy } from './bearer-proxy.js';
import { clientCredentialsToken, issuerFromBanner } from './embedded-issuer.js';
import { FRAMEWORKS, freePort, type ServerProcess, startServerProcess, TOOLS_LIST } from './server-process.js';

const CLI = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')),
  'dist',
  'index.js',
);

/** The revisions the suite has frozen requirement sets for (`conformance list --requirements`). */
const REVISIONS = ['2025-11-25', '2026-07-28'] as const;

/** A scenario run: a whole suite's worth of CLI work on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 240_000;

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
}

interface ExpectedFailures {
  server: { reason: string; failures: string[] }[];
  authorization: { reason: string; failures: string[] }[];
}

const expectedFailures = JSON.parse(
  readFileSync(join(import.meta.dirname, 'mcp-conformance-expected-failures.json'), 'utf8'),
) as ExpectedFailures;

interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startCli(args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function runCli(args: string[], cwd: string): Promise<string> {
  const cli = startCli(args, cwd);
  await cli.exited;
  return cli.output();
}

const ROLES = ['server', 'client', 'authorization'];

/**
 * The scenarios a `conformance list …` printout names under `heading`, plus those its "never
 * scored" part tags `[role]` (they run too).
 */
function listedScenarios(printout: string, heading: string, role: string): string[] {
  const names: string[] = [];
  let inSection = false;
  for (const line of printout.split('\n')) {
    if (line.startsWith(heading)) inSection = true;
    else if (!line.startsWith('  ')) inSection = false;
    const item = /^\s+- (\S+)(?: \[([^\]]*)\])?$/.exec(line);
    if (item === null) continue;
    const tag = item[2] !== undefined && ROLES.includes(item[2]) ? item[2] : undefined;
    if ((inSection && tag === undefined) || tag === role) names.push(item[1]!);
  }
  return [...new Set(names)].sort();
}

/** `<outputDir>/<prefix>-<scenario>-<timestamp>/checks.json` for each scenario the run wrote. */
function readResults(outputDir: string, prefix: 'server' | 'authorization-server'): Map<string, Check[]> {
  const results = new Map<string, Check[]>();
  const folder = new RegExp(`^${prefix}-(.+)-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z$`);
  for (const entry of existsSync(outputDir) ? readdirSync(outputDir) : []) {
    const scenario = folder.exec(entry)?.[1];
    const file = join(outputDir, entry, 'checks.json');
    if (scenario === undefined || !existsSync(file)) continue;
    results.set(scenario, JSON.parse(readFileSync(file, 'utf8')) as Check[]);
  }
  return results;
}

/**
 * Compares one run with the list: every failing check must be listed, every listed check of a
 * scenario that ran must still fail. Returns one line per difference.
 */
function differences(results: Map<string, Check[]>, listed: { failures: string[] }[]): string[] {
  const wholeScenarios = new Set<string>();
  const checks = new Map<string, Set<string>>();
  for (const entry of listed.flatMap((group) => group.failures)) {
    const [scenario, check] = entry.split(':') as [string, string | undefined];
    if (check === undefined) wholeScenarios.add(scenario);
    else checks.set(scenario, (checks.get(scenario) ?? new Set()).add(check));
  }
  const found: string[] = [];
  for (const [scenario, checksOfScenario] of results) {
    const failing = checksOfScenario.filter((check) => check.status === 'FAILURE');
    if (wholeScenarios.has(scenario)) {
      if (failing.length === 0) found.push(`${scenario}: passes now; remove it from the expected failures`);
      continue;
    }
    for (const check of failing) {
      if (!checks.get(scenario)?.has(check.id)) {
        found.push(`${scenario}:${check.id}: fails unexpectedly: ${check.errorMessage ?? ''}`);
      }
    }
    for (const id of checks.get(scenario) ?? []) {
      const statuses = checksOfScenario.filter((check) => check.id === id).map((check) => check.status);
      if (!statuses.includes('FAILURE')) {
        found.push(
          `${scenario}:${id}: ${statuses.join(', ') || 'not reported'} now; remove it from the expected failures`,
        );
      }
    }
  }
  return found;
}

describe('the expected-failure list', () => {
  it('names only scenarios the pinned suite has, each entry once, each group with a reason', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mcp-conformance-list-'));
    try {
      const server = listedScenarios(await runCli(['list', '--server'], work), 'Server scenarios', 'server');
      const authorization = listedScenarios(
        await runCli(['list', '--authorization'], work),
        'Authorization server scenarios',
        'authorization',
      );
      expect(server.length).toBeGreaterThan(20);
      expect(authorization.length).toBeGreaterThan(0);
      for (const [role, known] of [
        ['server', server],
        ['authorization', authorization],
      ] as const) {
        const entries = expectedFailures[role].flatMap((group) => group.failures);
        expect(new Set(entries).size, `${role}: an entry is listed twice`).toBe(entries.length);
        for (const group of expectedFailures[role]) expect(group.reason.length).toBeGreaterThan(20);
        const unknown = entries.filter((entry) => !known.includes(entry.split(':')[0]!));
        expect(unknown, `${role}: entries naming no scenario of the suite`).toEqual([]);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

type Mode = 'authentication off' | 'a bearer token from the embedded issuer';
const MODES: Mode[] = ['authentication off', 'a bearer token from the embedded issuer'];

describe.each(FRAMEWORKS)('MCP conformance server scenarios, reference server on %s', (framework) => {
  describe.each(MODES)('with %s', (mode) => {
    let server: ServerProcess;
    let proxy: BearerProxy | undefined;
    let mcpUrl: string;
    let work: string;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
      if (mode === 'authentication off') {
        server = await startServerProcess({
          env: { MCP_HTTP_FRAMEWORK: framework, MCP_AUTH_ENABLED: 'false' },
          timeoutMs: 60_000,
        });
        mcpUrl = `${server.url}/mcp`;
      } else {
        // Zero configuration: the embedded issuer, authentication required. The suite's command
        // line sends no Authorization header, so the proxy adds one to each of its requests.
        server = await startServerProcess({ env: { MCP_HTTP_FRAMEWORK: framework }, timeoutMs: 60_000 });
        const resource = `http://localhost:${server.port}/mcp`;
        const token = await clientCredentialsToken(issuerFromBanner(server.output()), resource, 'mcp:tools mcp:admin');
        proxy = await startBearerProxy(server.url, token);
        mcpUrl = `${proxy.url}/mcp`;
      }
    });
    afterAll(async () => {
      await proxy?.close();
      await server?.stop();
      if (work !== undefined) rmSync(work, { recursive: true, force: true });
    });

    it.each(REVISIONS)(
      'the %s requirement set, at its own wire: only the listed checks fail',
      async (revision) => {
        const scenarios = listedScenarios(
          await runCli(['list', '--server', '--requirements', revision], work),
          'Server scenarios',
          'server',
        );
        const outputDir = join(work, revision);
        const output = await runCli(
          ['server', '--url', mcpUrl, '--requirements', revision, '--output-dir', outputDir],
          work,
        );
        const results = readResults(outputDir, 'server');
        expect([...results.keys()].sort(), `every scenario of the set reports its checks:\n${output}`).toEqual(
          scenarios,
        );
        expect(differences(results, expectedFailures.server), output).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );

    if (mode !== 'authentication off') {
      it('every request of the suite was authenticated by the token: no challenge came back', async () => {
        const answers = proxy!.answers();
        expect(answers.length).toBeGreaterThan(100);
        expect(answers.filter((answer) => answer.challenge !== undefined)).toEqual([]);
      });

      it('the server itself requires the token: the same request without it is a 401 challenge', async () => {
        const response = await fetch(`${server.url}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify(TOOLS_LIST),
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
      });
    }
  });
});

describe('MCP conformance authorization-server scenarios, development issuer', () => {
  let issuer: DevIssuer;
  let callbackPort: number;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mcp-conformance-as-'));
    callbackPort = await freePort();
    // The suite's callback listener is http://127.0.0.1:<port>/callback.
    const redirectUris = [`http://127.0.0.1:${callbackPort}/callback`];
    issuer = await createDevIssuer({ clients: [{ clientId: 'conformance-public', redirectUris }] });
  });
  afterAll(async () => {
    await issuer?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  // A public client only: the suite authenticates at the token endpoint with `none` whenever the
  // server lists it, even when given a secret, so a confidential client would be refused for the
  // suite's choice, not the issuer's (client_secret_basic is tested in packages/dev-issuer).
  it(
    'every scenario passes for a public client (authorization code with PKCE, no secret)',
    async () => {
      const clientId = 'conformance-public';
      const scenarios = listedScenarios(
        await runCli(['list', '--authorization'], work),
        'Authorization server scenarios',
        'authorization',
      );
      const outputDir = join(work, clientId);
      const cli = startCli(
        [
          'authorization',
          '--url',
          issuer.issuer,
          '--client-id',
          clientId,
          '--resource',
          issuer.resource,
          '--port',
          String(callbackPort),
          '--output-dir',
          outputDir,
        ],
        work,
      );
      // The authorization-code scenario prints the URL a person would open, then waits for its
      // callback: play that person (sign in, approve) and deliver the redirect to its listener.
      const authorizationUrl = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const url = cli
            .output()
            .split('\n')
            .find((line) => line.startsWith(issuer.authorizationEndpoint));
          if (url !== undefined) {
            clearInterval(poll);
            resolve(url.trim());
          }
        };
        const poll = setInterval(look, 100);
        void cli.exited.then(() => {
          clearInterval(poll);
          reject(new Error(`the suite ended before asking for authorization:\n${cli.output()}`));
        });
      });
      const callback = await issuer.completeAuthorization(authorizationUrl);
      expect(callback.origin).toBe(`http://127.0.0.1:${callbackPort}`);
      expect((await fetch(callback)).status).toBe(200);
      await cli.exited;

      const results = readResults(outputDir, 'authorization-server');
      expect([...results.keys()].sort(), cli.output()).toEqual(scenarios);
      expect(differences(results, expectedFailures.authorization), cli.output()).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});

/**
 * The reference server as the hardening suite runs it: the real `dist/main.js` process (through
 * the e2e helper), configured against the {@link FakeProvider} for JWTs (issuer discovery, then
 * the JWKS) and opaque tokens (introspection), with two API keys (one plain, one as a `sha256:`
 * digest), every log line captured, and the process probe preloaded for memory and event-loop
 * figures.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Framework, freePort, type ServerProcess, startServerProcess } from '../e2e/server-process.js';
import { CredentialLedger } from './credential-ledger.js';
import { type FakeProvider, INTROSPECTION_CLIENT } from './fake-provider.js';

const PROBE = join(import.meta.dirname, 'process-probe.mjs');

/** What the probe last wrote (see process-probe.mjs). */
export interface ProbeSnapshot {
  at: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number; resolutionMs: number; samples: number };
}

/** A running server under test. */
export interface WardenUnderTest extends ServerProcess {
  framework: Framework;
  /** The resource URL (`http://127.0.0.1:PORT/mcp`), the audience tokens must name. */
  resource: string;
  /** The two valid API keys: the first configured as is, the second as its SHA-256 digest. */
  apiKeys: [string, string];
  /** The two HTTP Basic users (RFC 7617): the first with its password as is, the second as its SHA-256 digest. */
  basicUsers: [BasicUser, BasicUser];
  /** The probe's last snapshot. */
  probe(): ProbeSnapshot | undefined;
  /** Resets the probe's histogram and peak RSS (SIGUSR2) and waits for the fresh snapshot. */
  resetProbe(): Promise<void>;
  /** POSTs `tools/list` to /mcp with these headers. */
  post(headers?: Record<string, string>, path?: string): Promise<Response>;
}

/** A configured HTTP Basic user. */
export interface BasicUser {
  user: string;
  password: string;
  /** `Basic <base64 of user:password>`, the Authorization value a client sends. */
  authorization: string;
}

/** The servers and credentials of one test file, for the closing log check. */
export class HardeningContext {
  readonly ledger = new CredentialLedger();
  readonly servers: WardenUnderTest[] = [];
  readonly #probeDirectories: string[] = [];

  /**
   * Starts the server on `framework`, trusting `provider`. `env` adds or overrides variables
   * (an empty string removes one).
   */
  async start(
    framework: Framework,
    provider: FakeProvider,
    env: Record<string, string> = {},
  ): Promise<WardenUnderTest> {
    const port = await freePort();
    const resource = `http://127.0.0.1:${port}/mcp`;
    const apiKeys: [string, string] = [
      this.ledger.add(`hk_${randomBytes(18).toString('base64url')}`),
      this.ledger.add(`hk_${randomBytes(18).toString('base64url')}`),
    ];
    const basicUsers = (['ada', 'zoë'] as const).map((user): BasicUser => {
      const password = this.ledger.add(randomBytes(16).toString('hex'));
      const authorization = this.ledger.addAuthorization(
        `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
      );
      return { user, password, authorization };
    }) as [BasicUser, BasicUser];
    this.ledger.add(INTROSPECTION_CLIENT.secret);
    const probeDirectory = mkdtempSync(join(tmpdir(), 'mcp-warden-probe-'));
    this.#probeDirectories.push(probeDirectory);
    const probeFile = join(probeDirectory, 'probe.json');
    const merged: Record<string, string> = {
      PORT: String(port),
      MCP_HTTP_FRAMEWORK: framework,
      MCP_AUTH_REQUIRED: 'true',
      MCP_RESOURCE_URL: resource,
      MCP_JWT_ISSUER: provider.issuer,
      MCP_API_KEYS: `${apiKeys[0]},sha256:${createHash('sha256').update(apiKeys[1]).digest('hex')}`,
      MCP_BASIC_AUTH_USERS: `${basicUsers[0].user}:${basicUsers[0].password},${basicUsers[1].user}:sha256:${createHash('sha256').update(basicUsers[1].password).digest('hex')}`,
      MCP_OAUTH_INTROSPECTION_ENDPOINT: `${provider.issuer}/introspect`,
      MCP_OAUTH_CLIENT_ID: INTROSPECTION_CLIENT.id,
      MCP_OAUTH_CLIENT_SECRET: INTROSPECTION_CLIENT.secret,
      // The most verbose level: the log check then covers every line the server can write.
      MCP_LOG_LEVEL: 'trace',
      NODE_OPTIONS: `--import=${PROBE}`,
      HARDENING_PROBE_FILE: probeFile,
      ...env,
    };
    for (const [name, value] of Object.entries(merged)) if (value === '') delete merged[name];

    const ledger = this.ledger;
    const process_ = await startServerProcess({ env: merged });
    const probe = (): ProbeSnapshot | undefined => {
      try {
        return JSON.parse(readFileSync(probeFile, 'utf8')) as ProbeSnapshot;
      } catch {
        return undefined;
      }
    };
    const server: WardenUnderTest = {
      ...process_,
      framework,
      resource,
      apiKeys,
      basicUsers,
      probe,
      async resetProbe() {
        const before = probe()?.at ?? 0;
        process.kill(process_.pid, 'SIGUSR2');
        for (let i = 0; i < 100 && (probe()?.at ?? 0) <= before; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      post(headers = {}, path = '/mcp') {
        for (const [name, value] of Object.entries(headers)) {
          if (name.toLowerCase() === 'authorization') ledger.addAuthorization(value);
          else ledger.add(value);
        }
        return fetch(`${process_.url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...headers,
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
      },
    };
    this.servers.push(server);
    return server;
  }

  /** Everything every server of this file wrote. */
  allOutput(): string {
    return this.servers.map((server) => server.output()).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    for (const dir of this.#probeDirectories) rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's JSON log lines (pino), parsed. */
export function logLines(server: ServerProcess): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

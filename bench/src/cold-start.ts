/**
 * The cold-start target: 1,000 concurrent requests carrying a token whose `kid` the server does
 * not know yet must cause exactly one JWKS fetch, and every one of them must be answered 200.
 * The JWKS server answers slowly (200 ms) so the requests really are waiting on the fetch
 * together. Two cases per framework:
 *
 * - cold: the server has never fetched its keys;
 * - rotation: the server holds keys, the provider adds a new one, tokens signed with it arrive
 *   (once the server's unknown-`kid` cool-down has passed, as it would in production).
 *
 * @module
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JwksClientOptions } from '@mcp-warden/core';
import { assertBuilt, builtScript } from './bench-paths.js';
import type { JwksServer } from './jwks-server.js';
import { type RunningServer, startServerProcess } from './server-process.js';
import { type Framework, SERVER_CONFIG_ENV, type ServerConfig } from './servers/server-config.js';
import { createSigningKey, type SigningKey, signAccessToken } from './tokens.js';
import { wardenOptions } from './variants.js';

/** One cold-start measurement. */
export interface ColdStartResult {
  framework: Framework;
  scenario: 'cold' | 'rotation';
  requests: number;
  /** Answers by status. */
  statuses: Record<string, number>;
  jwksFetches: number;
  durationMs: number;
}

/** Options: how many requests, and the unknown-`kid` cool-down to wait out for the rotation case. */
export interface ColdStartOptions {
  frameworks: readonly Framework[];
  requests: number;
  /** Passed to the servers (`jwks.cooldownMs`); undefined keeps mcp-warden's default (30 s). */
  cooldownMs?: number;
  jwksDelayMs: number;
  log: (line: string) => void;
}

const DEFAULT_COOLDOWN_MS = 30_000;

async function burst(origin: string, token: string, count: number): Promise<Record<string, number>> {
  // One connection per request, all opened at once: HTTP/1.1 has no other way to have 1,000
  // requests in flight.
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const statuses: Record<string, number> = {};
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${origin}/mcp`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', (error) => {
        statuses[(error as NodeJS.ErrnoException).code ?? 'error'] =
          (statuses[(error as NodeJS.ErrnoException).code ?? 'error'] ?? 0) + 1;
        resolve();
      });
      req.end();
    });
  await Promise.all(Array.from({ length: count }, one));
  agent.destroy();
  return statuses;
}

async function startWarden(framework: Framework, jwks: JwksServer, set: string, client: JwksClientOptions) {
  const script = builtScript(`servers/serve-${framework}.js`);
  assertBuilt(script);
  const config: ServerConfig = {
    framework,
    guard: {
      kind: 'mcp-warden',
      options: wardenOptions({ issuer: jwks.issuer, jwksUri: jwks.url(set) }, 'RS256'),
      jwks: client,
    },
  };
  return startServerProcess({ script, env: { [SERVER_CONFIG_ENV]: JSON.stringify(config) } });
}

/** Runs both cases on every framework. `mainKey` is the key the servers already trust. */
export async function runColdStart(
  jwks: JwksServer,
  mainKey: SigningKey,
  options: ColdStartOptions,
): Promise<ColdStartResult[]> {
  const results: ColdStartResult[] = [];
  const client: JwksClientOptions = options.cooldownMs === undefined ? {} : { cooldownMs: options.cooldownMs };
  const cooldown = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  const mainToken = await signAccessToken(mainKey, { issuer: jwks.issuer });

  // Rotation servers first: they fetch their keys now and wait out the cool-down while the cold
  // cases run.
  const rotation: Array<{ framework: Framework; server: RunningServer; warmedAt: number }> = [];
  for (const framework of options.frameworks) {
    const set = `rotation-${framework}`;
    jwks.publish(set, [mainKey.publicJwk]);
    const server = await startWarden(framework, jwks, set, client);
    const warm = await fetch(`${server.origin}/mcp`, { headers: { authorization: `Bearer ${mainToken}` } });
    if (warm.status !== 200) throw new Error(`rotation warm-up on ${framework} answered ${warm.status}`);
    rotation.push({ framework, server, warmedAt: Date.now() });
  }

  try {
    for (const framework of options.frameworks) {
      const set = `cold-${framework}`;
      const coldKey = await createSigningKey('RS256', `cold-${framework}`);
      jwks.publish(set, [coldKey.publicJwk]);
      jwks.setDelay(set, options.jwksDelayMs);
      const token = await signAccessToken(coldKey, { issuer: jwks.issuer });
      const server = await startWarden(framework, jwks, set, client);
      try {
        const started = performance.now();
        const statuses = await burst(server.origin, token, options.requests);
        const result: ColdStartResult = {
          framework,
          scenario: 'cold',
          requests: options.requests,
          statuses,
          jwksFetches: jwks.fetches(set),
          durationMs: performance.now() - started,
        };
        results.push(result);
        options.log(`cold start ${framework}: ${result.jwksFetches} JWKS fetch(es), ${JSON.stringify(statuses)}`);
      } finally {
        await server.stop();
      }
    }

    for (const { framework, server, warmedAt } of rotation) {
      const wait = warmedAt + cooldown + 500 - Date.now();
      if (wait > 0) {
        options.log(`rotation ${framework}: waiting ${Math.ceil(wait / 1000)} s for the unknown-kid cool-down`);
        await sleep(wait);
      }
      const set = `rotation-${framework}`;
      const newKey = await createSigningKey('RS256', `rotated-${framework}`);
      jwks.publish(set, [mainKey.publicJwk, newKey.publicJwk]);
      jwks.setDelay(set, options.jwksDelayMs);
      const token = await signAccessToken(newKey, { issuer: jwks.issuer });
      const before = jwks.fetches(set);
      const started = performance.now();
      const statuses = await burst(server.origin, token, options.requests);
      const result: ColdStartResult = {
        framework,
        scenario: 'rotation',
        requests: options.requests,
        statuses,
        jwksFetches: jwks.fetches(set) - before,
        durationMs: performance.now() - started,
      };
      results.push(result);
      options.log(`rotation ${framework}: ${result.jwksFetches} JWKS fetch(es), ${JSON.stringify(statuses)}`);
    }
  } finally {
    await Promise.all(rotation.map(({ server }) => server.stop()));
  }
  return results;
}

/**
 * What a benchmark server runs: one framework, one bare route, and at most one authentication
 * guard in front of it (mcp-warden's adapter or a peer library). The runner serialises this into
 * an environment variable; the server script reads it once at start-up.
 *
 * @module
 */
import type { JwksClientOptions, WardenOptions } from '@mcp-warden/core';

/** The three frameworks every variant is measured on. */
export const FRAMEWORKS = ['express', 'fastify', 'hono'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Where a peer library gets its keys and what it checks: the same values mcp-warden is given. */
export interface JwtPeerSettings {
  jwksUri: string;
  issuer: string;
  audience: string;
  algorithm: string;
}

/** The guard in front of the route. */
export type GuardConfig =
  | { kind: 'none' }
  | { kind: 'mcp-warden'; options: WardenOptions; jwks?: JwksClientOptions; cors?: boolean }
  | { kind: 'reference' }
  | ({ kind: 'express-oauth2-jwt-bearer' } & JwtPeerSettings)
  | ({ kind: 'sdk-bearer-auth' } & JwtPeerSettings)
  | ({ kind: 'fastify-jwt'; cache: boolean } & JwtPeerSettings)
  | ({ kind: 'hono-jwk'; typ?: string } & JwtPeerSettings);

export type GuardKind = GuardConfig['kind'];

/** Everything a server script needs. */
export interface ServerConfig {
  framework: Framework;
  guard: GuardConfig;
}

/** The environment variable carrying the JSON {@link ServerConfig}. */
export const SERVER_CONFIG_ENV = 'BENCH_SERVER_CONFIG';

/** The one route every variant serves. */
export const BENCH_PATH = '/mcp';

/** The body of every successful answer, identical across variants so responses weigh the same. */
export const OK_BODY = { ok: true } as const;

/** Reads the configuration the runner passed; exits with a message when it is missing. */
export function readServerConfig(framework: Framework): ServerConfig {
  const text = process.env[SERVER_CONFIG_ENV];
  if (text === undefined) {
    process.stderr.write(`${SERVER_CONFIG_ENV} is not set: benchmark servers are started by the runner\n`);
    process.exit(2);
  }
  const config = JSON.parse(text) as ServerConfig;
  if (config.framework !== framework) {
    process.stderr.write(`this script serves ${framework}, not ${config.framework}\n`);
    process.exit(2);
  }
  return config;
}

/** A guard this framework's script does not know (a peer library for another framework). */
export function unsupportedGuard(framework: Framework, guard: GuardConfig): never {
  throw new Error(`${guard.kind} does not run on ${framework}`);
}

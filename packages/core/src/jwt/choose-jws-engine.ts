/**
 * The verification engine, chosen once at start-up from `MCP_JWT_ENGINE` (docs/performance.md,
 * "The verification engine"): `node:crypto` on Node.js, where the differential tests hold it to
 * jose (docs/security.md); jose everywhere else (Workers, Deno, Bun, browsers), or wherever it is
 * asked for.
 *
 * @module
 */

import type { JwtEngineName } from '../config/config-schema.js';
import { ConfigError } from '../errors/config-error.js';
import { type JwsEngine, joseEngine } from './jws-engine.js';
import { loadNodeCrypto, nodeCryptoEngine } from './node-jws-engine.js';

/** The engine in use, and its name for logs and docs. */
export interface ChosenJwsEngine {
  name: 'node' | 'jose';
  engine: JwsEngine;
}

interface RuntimeGlobals {
  Bun?: unknown;
  Deno?: unknown;
  navigator?: { userAgent?: unknown };
  process?: { versions?: Record<string, unknown> };
}

/**
 * Node.js itself, not a runtime that imitates it: Bun, Deno and Workers offer a `node:crypto` of
 * their own making, which the differential tests were not run against, so `auto` keeps them on
 * jose (docs/performance.md).
 */
export function isNodeJs(globals: RuntimeGlobals = globalThis as RuntimeGlobals): boolean {
  const versions = globals.process?.versions;
  return (
    typeof versions?.node === 'string' &&
    versions.bun === undefined &&
    globals.Bun === undefined &&
    globals.Deno === undefined &&
    globals.navigator?.userAgent !== 'Cloudflare-Workers'
  );
}

/**
 * Resolves `MCP_JWT_ENGINE`.
 *
 * @param variable the setting's name as the user wrote it, for the {@link ConfigError}.
 * @throws {ConfigError} when `node` is asked for where `node:crypto` cannot be loaded.
 * @example
 * ```ts
 * const { name, engine } = chooseJwsEngine(config.jwtEngine, 'MCP_JWT_ENGINE'); // name: 'node' on Node.js
 * ```
 */
export function chooseJwsEngine(requested: JwtEngineName, variable: string): ChosenJwsEngine {
  if (requested === 'jose' || (requested === 'auto' && !isNodeJs())) return { name: 'jose', engine: joseEngine };
  const modules = loadNodeCrypto();
  if (modules !== undefined) return { name: 'node', engine: nodeCryptoEngine(modules) };
  if (requested === 'auto') return { name: 'jose', engine: joseEngine };
  throw new ConfigError([
    {
      variable,
      message: 'is "node" but node:crypto is not available on this runtime; use "auto" or "jose"',
    },
  ]);
}

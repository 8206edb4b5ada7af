/**
 * The reference server's configuration: mcp-warden's own (`loadConfig` of `@mcp-warden/core`)
 * extended with the settings only this server has (where it listens, which framework serves it,
 * how much it logs, whether the development issuer starts, how long it waits for a request, where
 * shared state lives). Every problem of both is listed in
 * one `ConfigError`, each under the environment variable the user wrote.
 *
 * @module
 */

import { type AuthorizationServerSettings, loadAuthorizationServerSettings } from '@mcp-warden/authorization-server';
import {
  ConfigError,
  type ConfigIssue,
  configFields,
  isConfigError,
  loadConfig,
  type WardenConfig,
} from '@mcp-warden/core';
import { redisUrlProblem } from '@mcp-warden/redis';
import { z } from 'zod';

/** The web frameworks `MCP_HTTP_FRAMEWORK` may name. */
export type HttpFramework = 'hono' | 'express' | 'fastify';

/** Log levels accepted by `MCP_LOG_LEVEL` (pino's). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Default HTTP port (`PORT`). */
export const DEFAULT_PORT = 8000;

/** Default of `MCP_REDIS_KEY_PREFIX`. */
export const DEFAULT_REDIS_KEY_PREFIX = 'mcp-warden:';

/** A `redis://` or `rediss://` URL (docs/scaling.md); the message never repeats the value, which may hold a password. */
function redisUrlField() {
  return configFields.text().transform((value, ctx): string | undefined => {
    if (value === undefined) return undefined;
    const problem = redisUrlProblem(value);
    if (problem === undefined) return value;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
}

/** The server's own settings, parsed with core's field rules (booleans, numbers, one-of lists). */
export const serverSettingsSchema = z.object({
  /** `PORT` (default 8000; 0 picks a free port). */
  port: configFields.number(DEFAULT_PORT, 0, 65_535, true),
  /** `HOST` (default `127.0.0.1`). */
  host: configFields.text().transform((host) => host ?? '127.0.0.1'),
  /** `MCP_HTTP_FRAMEWORK` (default `hono`). */
  httpFramework: configFields.oneOf<HttpFramework>(['hono', 'express', 'fastify'], 'hono'),
  /** `MCP_LOG_LEVEL` (default `info`). */
  logLevel: configFields.oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** `MCP_DEV_ISSUER`: force the embedded development issuer on or off; unset means automatic. */
  devIssuer: configFields.optionalBoolean(),
  /**
   * `MCP_HEADERS_TIMEOUT` seconds (default 10): how long the server waits for a request's complete
   * header section before it closes the connection (Node's `headersTimeout`).
   */
  headersTimeout: configFields.number(10, 0.1, 600, false),
  /**
   * `MCP_REQUEST_TIMEOUT` seconds (default 30): how long the server waits for a whole request,
   * body included (Node's `requestTimeout`). A response may stream for longer.
   */
  requestTimeout: configFields.number(30, 0.1, 3600, false),
  /**
   * `MCP_KEEP_ALIVE_TIMEOUT` seconds (default 5): how long the server keeps an idle connection open
   * for the next request (Node's `keepAliveTimeout`).
   */
  keepAliveTimeout: configFields.number(5, 0.1, 600, false),
  /**
   * `MCP_REDIS_URL`: keep the state every instance must share (DPoP proof identifiers and nonces,
   * introspection answers) in this Redis or Valkey (docs/scaling.md). Unset: in this process's memory.
   */
  redisUrl: redisUrlField(),
  /** `MCP_REDIS_KEY_PREFIX` (default `mcp-warden:`): put before every key, one per protected resource. */
  redisKeyPrefix: configFields.text().transform((prefix) => prefix ?? DEFAULT_REDIS_KEY_PREFIX),
  /** `MCP_REDIS_TIMEOUT` seconds (default 1): the longest one Redis command may take before it counts as failed. */
  redisTimeout: configFields.number(1, 0.01, 60, false),
});

/** The server's own settings, defaults applied. */
export type ServerSettings = z.output<typeof serverSettingsSchema>;

/** The environment variable behind each server setting. */
export const SERVER_ENV_VARIABLES: Readonly<Record<keyof ServerSettings, string>> = Object.freeze({
  port: 'PORT',
  host: 'HOST',
  httpFramework: 'MCP_HTTP_FRAMEWORK',
  logLevel: 'MCP_LOG_LEVEL',
  devIssuer: 'MCP_DEV_ISSUER',
  headersTimeout: 'MCP_HEADERS_TIMEOUT',
  requestTimeout: 'MCP_REQUEST_TIMEOUT',
  keepAliveTimeout: 'MCP_KEEP_ALIVE_TIMEOUT',
  redisUrl: 'MCP_REDIS_URL',
  redisKeyPrefix: 'MCP_REDIS_KEY_PREFIX',
  redisTimeout: 'MCP_REDIS_TIMEOUT',
});

/** Everything the server runs with. */
export interface ServerConfig {
  /** mcp-warden's configuration. */
  warden: WardenConfig;
  /** Where and how this server runs. */
  settings: ServerSettings;
  /**
   * The federating authorization server (`MCP_UPSTREAM_*`, `MCP_ALLOWED_USERS`), when configured:
   * sign-in at GitHub, Google or an OpenID provider, served from this server's origin.
   */
  authorizationServer?: AuthorizationServerSettings;
}

const SETTING_KEYS = Object.keys(SERVER_ENV_VARIABLES) as (keyof ServerSettings)[];

/**
 * Reads the server's configuration from the environment. `MCP_RESOURCE_URL` defaults to
 * `http://localhost:$PORT/mcp`, the URL this server answers on.
 *
 * @throws {ConfigError} listing every problem, mcp-warden's first, each under its variable.
 * @example
 * ```ts
 * const { warden, settings } = loadServerConfig(process.env);
 * ```
 */
export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const serverIssues: ConfigIssue[] = [];
  const parsed: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const result = serverSettingsSchema.shape[key].safeParse(env[SERVER_ENV_VARIABLES[key]]);
    if (result.success) parsed[key] = result.data;
    else {
      for (const issue of result.error.issues) {
        serverIssues.push({ variable: SERVER_ENV_VARIABLES[key], message: issue.message });
      }
    }
  }
  const port = typeof parsed.port === 'number' ? parsed.port : DEFAULT_PORT;
  const resourceUrlSet = (env.MCP_RESOURCE_URL ?? '').trim() !== '';

  let warden: WardenConfig | undefined;
  const issues: ConfigIssue[] = [];
  try {
    warden = loadConfig(resourceUrlSet ? env : { ...env, MCP_RESOURCE_URL: `http://localhost:${port}/mcp` });
  } catch (error) {
    if (!isConfigError(error)) throw error;
    issues.push(...error.issues);
  }
  issues.push(...serverIssues);
  const federation = loadAuthorizationServerSettings(env);
  issues.push(...federation.issues);
  if (issues.length > 0 || warden === undefined) throw new ConfigError(issues);
  return {
    warden,
    settings: parsed as ServerSettings,
    ...(federation.settings ? { authorizationServer: federation.settings } : {}),
  };
}

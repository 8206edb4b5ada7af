/**
 * A failure around `authenticate` is answered with the same 503 on every adapter and logged once,
 * at error level with its cause, through the authenticator's logger; the log never holds the
 * credential the request carried.
 */
import { createAuthenticator, type Logger, loadConfig } from '@mcp-warden/core';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { describe, expect, it } from 'vitest';
import { API_KEY, RESOURCE_URL } from './__fixtures__/keys-and-tokens.js';
import { expressHarness } from './express-harness.js';
import { fastifyHarness } from './fastify-harness.js';
import { honoHarness } from './hono-harness.js';
import { ROUTES } from './scenarios.js';

describe.each([expressHarness, fastifyHarness, honoHarness])('unexpected failure on $name', (harness) => {
  it('answers 503 JSON and logs the cause at error level, never the credential', async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
    const record =
      (level: string) =>
      (obj: object, msg?: string): void => {
        lines.push({ level, obj: obj as Record<string, unknown>, msg });
      };
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const config = loadConfig({ MCP_API_KEYS: API_KEY, MCP_AUTH_REQUIRED: 'true', MCP_RESOURCE_URL: RESOURCE_URL });
    const real = await createAuthenticator(config, { logger });
    const metadata = await createMetadataProvider(config, { discover: false });
    // The only stand-in: a real authenticator cannot be made to throw.
    const broken = { ...real, authenticate: () => Promise.reject(new Error('database of sessions unreachable')) };
    const app = await harness.start({ authenticator: broken, metadata, mount: 'routes', routes: ROUTES });
    try {
      const res = await fetch(`${app.baseUrl}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'Authentication is temporarily unavailable',
      });
      const errors = lines.filter((line) => line.level === 'error');
      expect(errors).toEqual([
        {
          level: 'error',
          obj: { cause: 'Error: database of sessions unreachable', method: 'POST', path: '/mcp' },
          msg: 'unexpected failure while authenticating',
        },
      ]);
      expect(JSON.stringify(lines)).not.toContain(API_KEY);
    } finally {
      await app.close();
      metadata.close();
      await real.close();
    }
  });
});

import { ConfigError, describeConfig, isConfigError } from '@mcp-warden/core';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './server-config.js';

function issuesOf(fn: () => unknown): { variable: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadServerConfig', () => {
  it('applies the server defaults from an empty environment', () => {
    const { settings, warden } = loadServerConfig({});
    expect(settings).toEqual({
      port: 8000,
      host: '127.0.0.1',
      httpFramework: 'hono',
      logLevel: 'info',
      devIssuer: undefined,
      headersTimeout: 10,
      requestTimeout: 30,
      keepAliveTimeout: 5,
      redisUrl: undefined,
      redisKeyPrefix: 'mcp-warden:',
      redisTimeout: 1,
    });
    expect(warden.resourceUrl).toBe('http://localhost:8000/mcp');
  });

  it('reads MCP_REDIS_URL (redis:// or rediss://) and MCP_REDIS_KEY_PREFIX (docs/scaling.md)', () => {
    expect(
      loadServerConfig({
        MCP_REDIS_URL: ' rediss://app:pw@cache.example.com:6380/1 ',
        MCP_REDIS_KEY_PREFIX: 'prod:',
        MCP_REDIS_TIMEOUT: '0.25',
      }).settings,
    ).toMatchObject({
      redisUrl: 'rediss://app:pw@cache.example.com:6380/1',
      redisKeyPrefix: 'prod:',
      redisTimeout: 0.25,
    });
    expect(issuesOf(() => loadServerConfig({ MCP_REDIS_TIMEOUT: '0' })).map((issue) => issue.variable)).toEqual([
      'MCP_REDIS_TIMEOUT',
    ]);
    for (const bad of ['cache.example.com:6379', 'https://:pw@cache.example.com', 'redis://cache/db']) {
      const issues = issuesOf(() => loadServerConfig({ MCP_REDIS_URL: bad }));
      expect(issues.map((issue) => issue.variable)).toEqual(['MCP_REDIS_URL']);
      expect(JSON.stringify(issues)).not.toContain('pw');
    }
  });

  it('derives the resource URL from PORT, and the expected audience from the resource URL (RFC 8707 §2)', () => {
    const { settings, warden } = loadServerConfig({ PORT: '3000' });
    expect(settings.port).toBe(3000);
    expect(warden).toMatchObject({ resourceUrl: 'http://localhost:3000/mcp', jwtAudience: [] });
    // The audience tokens must name, worked out from the resource URL (each loopback spelling).
    expect(describeConfig(warden).jwtAudience).toEqual([
      'http://localhost:3000/mcp',
      'http://127.0.0.1:3000/mcp',
      'http://[::1]:3000/mcp',
    ]);
    const explicit = loadServerConfig({ PORT: '3000', MCP_RESOURCE_URL: 'https://mcp.example.com/' }).warden;
    expect(describeConfig(explicit).jwtAudience).toEqual(['https://mcp.example.com/']);
  });

  it('treats empty values as unset', () => {
    expect(loadServerConfig({ PORT: '', HOST: ' ', MCP_RESOURCE_URL: '' })).toMatchObject({
      settings: { port: 8000, host: '127.0.0.1' },
      warden: { resourceUrl: 'http://localhost:8000/mcp' },
    });
  });

  it('parses numbers, enums and the tri-state MCP_DEV_ISSUER', () => {
    expect(
      loadServerConfig({
        MCP_HTTP_FRAMEWORK: 'Express',
        MCP_LOG_LEVEL: 'debug',
        MCP_DEV_ISSUER: 'false',
        HOST: '0.0.0.0',
      }).settings,
    ).toMatchObject({ port: 8000, httpFramework: 'express', logLevel: 'debug', devIssuer: false, host: '0.0.0.0' });
    expect(loadServerConfig({ MCP_DEV_ISSUER: 'yes' }).settings.devIssuer).toBe(true);
  });

  it("reports every problem in one error, mcp-warden's first, each under its variable", () => {
    const issues = issuesOf(() =>
      loadServerConfig({
        MCP_AUTH_ENABLED: 'maybe',
        MCP_AUTH_REQUIRED: 'sure',
        MCP_OAUTH_JWKS_URI: 'not a url',
        PORT: '99999',
        MCP_LOG_LEVEL: 'loud',
        MCP_DEV_ISSUER: 'auto',
      }),
    );
    expect(issues.map((i) => i.variable)).toEqual([
      'MCP_AUTH_ENABLED',
      'MCP_AUTH_REQUIRED',
      'MCP_OAUTH_JWKS_URI',
      'PORT',
      'MCP_LOG_LEVEL',
      'MCP_DEV_ISSUER',
    ]);
    expect(issues[0]!.message).toContain('true/false');
    expect(issues[3]!.message).toBe('must be an integer between 0 and 65535');
  });

  it('reads the timeouts: 10 s for headers, 30 s for a request and 5 s of keep-alive by default', () => {
    expect(loadServerConfig({ MCP_HEADERS_TIMEOUT: '2.5' }).settings).toMatchObject({
      headersTimeout: 2.5,
      requestTimeout: 30,
      keepAliveTimeout: 5,
    });
    const env = {
      MCP_MAX_BODY_BYTES: '4mb',
      MCP_HEADERS_TIMEOUT: '0',
      MCP_REQUEST_TIMEOUT: 'forever',
      MCP_KEEP_ALIVE_TIMEOUT: '-1',
    };
    expect(issuesOf(() => loadServerConfig(env)).map((issue) => issue.variable)).toEqual([
      'MCP_MAX_BODY_BYTES',
      'MCP_HEADERS_TIMEOUT',
      'MCP_REQUEST_TIMEOUT',
      'MCP_KEEP_ALIVE_TIMEOUT',
    ]);
  });
});

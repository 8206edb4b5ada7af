import { loadConfig } from '@mcp-warden/core';
import { describe, expect, it } from 'vitest';
import { hasAuthSource } from './has-auth-source.js';

const SECRET = 'a-very-long-shared-secret-of-at-least-32-bytes!';

describe('hasAuthSource', () => {
  it('is false for an empty configuration', () => {
    expect(hasAuthSource(loadConfig({}))).toBe(false);
  });
  it.each([
    [{ MCP_API_KEYS: 'k' }],
    [{ MCP_BASIC_AUTH_USERS: 'ada:a-password-of-16-chars-or-more' }],
    [{ MCP_JWT_ALGORITHM: 'HS256', MCP_JWT_SECRET: SECRET }],
    [{ MCP_OAUTH_JWKS_URI: 'https://a.example.com/jwks' }],
    [{ MCP_JWT_ISSUER: 'https://a.example.com' }],
    [{ MCP_OAUTH_SERVER_URL: 'https://a.example.com' }],
    [{ MCP_OAUTH_INTROSPECTION_ENDPOINT: 'https://a.example.com/introspect' }],
    [{ MCP_TRUSTED_ISSUERS: ' https://a.example.com/ , https://b.example.com' }],
  ])('is true for %j', (env) => {
    expect(hasAuthSource(loadConfig(env))).toBe(true);
  });
  it('ignores sources of disabled methods', () => {
    expect(hasAuthSource(loadConfig({ MCP_API_KEYS: 'k', MCP_API_KEY_ENABLED: 'false' }))).toBe(false);
    expect(
      hasAuthSource(loadConfig({ MCP_OAUTH_JWKS_URI: 'https://a.example.com/jwks', MCP_JWT_ENABLED: 'false' })),
    ).toBe(false);
  });
});

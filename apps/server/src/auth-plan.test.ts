import { loadConfig } from '@mcp-warden/core';
import { describe, expect, it } from 'vitest';
import { planAuth } from './auth-plan.js';
import { loadServerConfig } from './server-config.js';

const RESOURCE = { MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' };
const UPSTREAM = {
  ...RESOURCE,
  MCP_UPSTREAM_PROVIDER: 'github',
  MCP_UPSTREAM_CLIENT_ID: 'Iv1.abc',
  MCP_UPSTREAM_CLIENT_SECRET: 'secret',
  MCP_ALLOWED_USERS: 'octocat',
};

describe('planAuth with the federating authorization server', () => {
  it('runs it, in production too, instead of the development issuer', () => {
    const env = { ...UPSTREAM, NODE_ENV: 'production' };
    const { warden, authorizationServer } = loadServerConfig(env);
    expect(authorizationServer?.upstream.provider).toBe('github');
    expect(planAuth(warden, undefined, env, true)).toEqual({ mode: 'authorization-server' });
  });

  it('refuses settings that name another authorization server, naming them', () => {
    const env = {
      ...UPSTREAM,
      MCP_JWT_ISSUER: 'https://auth.example.com/',
      MCP_OAUTH_JWKS_URI: 'https://auth.example.com/jwks',
    };
    const plan = planAuth(loadConfig(env), undefined, env, true);
    expect(plan).toEqual({
      mode: 'refused',
      reason: expect.stringMatching(/^MCP_JWT_ISSUER, MCP_OAUTH_JWKS_URI name another authorization server/),
    });
  });

  it('refuses MCP_DEV_ISSUER=true alongside it', () => {
    expect(planAuth(loadConfig(UPSTREAM), true, UPSTREAM, true)).toMatchObject({
      mode: 'refused',
      reason: expect.stringContaining('MCP_DEV_ISSUER=true and MCP_UPSTREAM_PROVIDER'),
    });
  });

  it('lists its problems with the rest of the configuration, each under its variable', () => {
    expect(() => loadServerConfig({ ...RESOURCE, PORT: 'x', MCP_UPSTREAM_PROVIDER: 'github' })).toThrow(
      /PORT[\s\S]*MCP_UPSTREAM_CLIENT_ID[\s\S]*MCP_UPSTREAM_CLIENT_SECRET[\s\S]*MCP_ALLOWED_USERS/,
    );
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowed, parseAllowList } from './allowlist.js';
import { loadAuthorizationServerSettings } from './settings.js';

const GITHUB = {
  MCP_UPSTREAM_PROVIDER: 'github',
  MCP_UPSTREAM_CLIENT_ID: 'Iv1.abc',
  MCP_UPSTREAM_CLIENT_SECRET: 'shh',
  MCP_ALLOWED_USERS: 'octocat',
};

describe('loadAuthorizationServerSettings', () => {
  it('is off when no variable is set', () => {
    expect(loadAuthorizationServerSettings({})).toEqual({ settings: undefined, issues: [] });
  });

  it('reads a GitHub configuration with github.com defaults left to the upstream module', () => {
    const { settings, issues } = loadAuthorizationServerSettings(GITHUB);
    expect(issues).toEqual([]);
    expect(settings?.upstream).toMatchObject({ provider: 'github', clientId: 'Iv1.abc', issuer: undefined });
    expect(settings?.allowedUsers.logins).toEqual(new Set(['octocat']));
  });

  it("defaults Google's issuer and refuses another one", () => {
    const google = { ...GITHUB, MCP_UPSTREAM_PROVIDER: 'google' };
    expect(loadAuthorizationServerSettings(google).settings?.upstream.issuer).toBe('https://accounts.google.com');
    expect(
      loadAuthorizationServerSettings({ ...google, MCP_UPSTREAM_ISSUER: 'https://evil.example.com' }).issues,
    ).toEqual([{ variable: 'MCP_UPSTREAM_ISSUER', message: expect.stringContaining("is not Google's issuer") }]);
  });

  it('lists every problem under the variable the user wrote, never echoing the secret', () => {
    const { settings, issues } = loadAuthorizationServerSettings({
      MCP_UPSTREAM_PROVIDER: 'oidc',
      MCP_UPSTREAM_TOKEN_ENDPOINT: 'http://idp.example.com/token',
      MCP_ALLOWED_USERS: 'org:acme',
      MCP_AUTH_SERVER_SECRET: 'tooshort-secret',
    });
    expect(settings).toBeUndefined();
    expect(issues.map((issue) => issue.variable)).toEqual([
      'MCP_UPSTREAM_CLIENT_ID',
      'MCP_UPSTREAM_CLIENT_SECRET',
      'MCP_UPSTREAM_TOKEN_ENDPOINT',
      'MCP_UPSTREAM_ISSUER',
      'MCP_ALLOWED_USERS',
      'MCP_AUTH_SERVER_SECRET',
    ]);
    expect(JSON.stringify(issues)).not.toContain('tooshort-secret');
  });

  it('needs MCP_UPSTREAM_PROVIDER once any other variable is set, and an explicit allowlist', () => {
    expect(loadAuthorizationServerSettings({ MCP_ALLOWED_USERS: '*' }).issues[0]).toEqual({
      variable: 'MCP_UPSTREAM_PROVIDER',
      message: 'must be set (github, google or oidc) when MCP_ALLOWED_USERS is set',
    });
    const { issues } = loadAuthorizationServerSettings({ ...GITHUB, MCP_ALLOWED_USERS: '' });
    expect(issues).toEqual([{ variable: 'MCP_ALLOWED_USERS', message: expect.stringContaining('is required') }]);
  });

  it('GitHub Enterprise needs all three endpoints', () => {
    const { issues } = loadAuthorizationServerSettings({
      ...GITHUB,
      MCP_UPSTREAM_AUTHORIZATION_ENDPOINT: 'https://ghe.example.com/login/oauth/authorize',
    });
    expect(issues).toEqual([
      { variable: 'MCP_UPSTREAM_AUTHORIZATION_ENDPOINT', message: expect.stringContaining('all three') },
    ]);
  });

  it('reads the secret from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${'s'.repeat(40)}\n`);
    expect(loadAuthorizationServerSettings({ ...GITHUB, MCP_AUTH_SERVER_SECRET_FILE: file }).settings?.secret).toBe(
      's'.repeat(40),
    );
    expect(
      loadAuthorizationServerSettings({ ...GITHUB, MCP_AUTH_SERVER_SECRET_FILE: join(dir, 'missing') }).issues,
    ).toEqual([{ variable: 'MCP_AUTH_SERVER_SECRET_FILE', message: 'cannot be read (ENOENT)' }]);
  });
});

describe('allowlist', () => {
  it('matches logins, verified emails, domains and organizations, case-insensitively', () => {
    const { list, problems } = parseAllowList('Octocat, alice@Example.com @corp.example org:Acme', 'github');
    expect(problems).toEqual([]);
    expect(isAllowed(list, { login: 'octocat' })).toBe(true);
    expect(isAllowed(list, { email: 'ALICE@example.com', emailVerified: true })).toBe(true);
    expect(isAllowed(list, { email: 'bob@corp.example', emailVerified: true })).toBe(true);
    expect(isAllowed(list, { organizations: ['acme'] })).toBe(true);
    expect(isAllowed(list, { login: 'mallory', organizations: ['evil'] })).toBe(false);
  });

  it('ignores an unverified address', () => {
    const { list } = parseAllowList('alice@example.com, @example.org', 'google');
    expect(isAllowed(list, { email: 'alice@example.com', emailVerified: false })).toBe(false);
    expect(isAllowed(list, { email: 'eve@example.org' })).toBe(false);
  });

  it('lets everyone in only when * is written', () => {
    expect(isAllowed(parseAllowList('*', 'github').list, { login: 'anyone' })).toBe(true);
    expect(parseAllowList(' , ', 'github').problems).toEqual([expect.stringContaining('names nobody')]);
  });

  it('refuses organizations for providers without them, and malformed entries', () => {
    expect(parseAllowList('org:acme', 'google').problems).toEqual([expect.stringContaining('GitHub notion')]);
    expect(parseAllowList('a@b, @nodot, x/y', 'github').problems).toHaveLength(3);
  });
});

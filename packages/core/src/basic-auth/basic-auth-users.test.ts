import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../config/describe-config.js';
import { defineConfig, loadConfig } from '../config/load-config.js';
import { type ConfigError, isConfigError } from '../errors/config-error.js';
import { MIN_BASIC_PASSWORD_LENGTH } from './basic-auth-users.js';

const GOOD = 'correct-horse-battery-staple';
const DIGEST = createHash('sha256').update('another-long-password-42').digest('hex');

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('MCP_BASIC_AUTH_USERS / basicAuthUsers', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).basicAuthUsers).toEqual([]);
    expect(defineConfig({}).basicAuthUsers).toEqual([]);
  });

  it('reads user:password and user:sha256:<hex> entries, spaces around commas allowed', () => {
    const config = loadConfig({
      MCP_BASIC_AUTH_USERS: ` alice:${GOOD} , bob:sha256:${DIGEST.toUpperCase()},carol:${GOOD}:with:colons `,
    });
    expect(config.basicAuthUsers).toEqual([
      { user: 'alice', password: GOOD },
      { user: 'bob', passwordSha256: DIGEST },
      { user: 'carol', password: `${GOOD}:with:colons` },
    ]);
  });

  it('takes strings and { user, password | passwordSha256 } objects in code', () => {
    const config = defineConfig({
      basicAuthUsers: [
        `alice:${GOOD}`,
        { user: 'bob', passwordSha256: DIGEST },
        { user: 'carol', passwordSha256: `sha256:${DIGEST}` },
        { user: 'dave', password: `${GOOD}, with a comma` },
      ],
    });
    expect(config.basicAuthUsers).toEqual([
      { user: 'alice', password: GOOD },
      { user: 'bob', passwordSha256: DIGEST },
      { user: 'carol', passwordSha256: DIGEST },
      { user: 'dave', password: `${GOOD}, with a comma` },
    ]);
  });

  it(`refuses a password shorter than ${MIN_BASIC_PASSWORD_LENGTH} characters, saying how to make one and how to configure its digest, without showing it`, () => {
    const error = configError(() => loadConfig({ MCP_BASIC_AUTH_USERS: 'alice:hunter2-pass' }));
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue!.variable).toBe('MCP_BASIC_AUTH_USERS');
    expect(issue!.message).toContain('entry 1 (user "alice") has a password of 12 characters');
    expect(issue!.message).toContain(`at least ${MIN_BASIC_PASSWORD_LENGTH}`);
    expect(issue!.message).toContain('openssl rand -hex 16');
    expect(issue!.message).toContain('user:sha256:<hex>');
    expect(issue!.message).toContain("createHash('sha256')");
    expect(error.message).not.toContain('hunter2');
    // Counted in characters, not bytes: 16 characters of "é" are 32 bytes and enough; 15 are not.
    expect(loadConfig({ MCP_BASIC_AUTH_USERS: `zoe:${'é'.repeat(16)}` }).basicAuthUsers).toHaveLength(1);
    expect(() => loadConfig({ MCP_BASIC_AUTH_USERS: `zoe:${'é'.repeat(15)}` })).toThrow(/password of 15 characters/);
  });

  it('names the option in code', () => {
    const error = configError(() => defineConfig({ basicAuthUsers: [{ user: 'alice', password: 'short' }] }));
    expect(error.issues).toEqual([
      { variable: 'basicAuthUsers', message: expect.stringContaining('password of 5 characters') },
    ]);
  });

  it('lists every problem at once: no colon, empty user, repeated user, bad digest, control characters', () => {
    const error = configError(() =>
      loadConfig({
        MCP_BASIC_AUTH_USERS: [
          'just-a-long-password-nobody-should-see',
          `:${GOOD}`,
          `alice:${GOOD}`,
          `alice:sha256:${DIGEST}`,
          'bob:sha256:abc123',
          `carol:${GOOD}\u0007`,
        ].join(','),
      }),
    );
    const messages = error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS: entry 1 must look like user:password or user:sha256:<64 hex>/),
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS: entry 2 has an empty user id/),
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS: entry 4 \(user "alice"\) repeats the user id of entry 3/),
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS: entry 5 \(user "bob"\) "sha256:" must be followed by 64 hex/),
      expect.stringMatching(/^MCP_BASIC_AUTH_USERS: entry 6 \(user "carol"\) has a control character in its password/),
    ]);
    expect(error.message).not.toContain('just-a-long-password');
    expect(error.message).not.toContain(GOOD);
  });

  it('refuses a colon in a user id (RFC 7617 §2), a repeated user after NFC, and entries of the wrong shape', () => {
    const error = configError(() =>
      defineConfig({
        basicAuthUsers: [
          { user: 'a:b', password: GOOD },
          { user: 'zoë', password: GOOD },
          { user: 'zoe\u0308', password: GOOD },
          { user: 'x', password: GOOD, passwordSha256: DIGEST } as never,
          42 as never,
        ],
      }),
    );
    expect(error.issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining('entry 1 (user "a:b") has a ":" in its user id'),
      expect.stringContaining('entry 3 (user "zoë") repeats the user id of entry 2'),
      expect.stringContaining('entry 4 must be a "user:password" string or an object'),
      expect.stringContaining('entry 5 must be a "user:password" string or an object'),
    ]);
  });

  it('counts as a way to authenticate: required authentication with API keys and JWT off is not refused', () => {
    const env = { MCP_AUTH_REQUIRED: 'true', MCP_API_KEY_ENABLED: 'false', MCP_JWT_ENABLED: 'false' };
    expect(() => loadConfig(env)).toThrow(/every authentication method is disabled/);
    expect(loadConfig({ ...env, MCP_BASIC_AUTH_USERS: `alice:${GOOD}` }).basicAuthUsers).toHaveLength(1);
  });

  it('describeConfig shows the user ids, never a password or a digest', () => {
    const described = describeConfig(loadConfig({ MCP_BASIC_AUTH_USERS: `alice:${GOOD},bob:sha256:${DIGEST}` }));
    expect(described.basicAuthUsers).toEqual(['alice:***', 'bob:sha256:***']);
    const text = JSON.stringify(described);
    expect(text).not.toContain(GOOD);
    expect(text).not.toContain(DIGEST.slice(0, 16));
  });
});

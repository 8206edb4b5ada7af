// MCP_TRUSTED_ISSUERS and the introspection settings in the configuration: both forms,
// defaults, and every problem reported at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import { isConfigError } from '../errors/config-error.js';
import { describeConfig } from './describe-config.js';
import { defineConfig, loadConfig } from './load-config.js';

let rsa: TestKeyPair;
beforeAll(async () => {
  rsa = await testKeyPair('RS256');
});

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('MCP_TRUSTED_ISSUERS', () => {
  it('reads a comma-separated list of issuer URLs, every setting at its default', () => {
    const config = loadConfig({
      MCP_RESOURCE_URL: RESOURCE,
      MCP_JWT_ALGORITHM: 'ES256,RS256',
      MCP_TRUSTED_ISSUERS: ' https://a.example.com/ , https://b.example.com',
    });
    // An empty audience is this server's own, resolved where tokens are checked.
    expect(config.trustedIssuers).toEqual([
      { issuer: 'https://a.example.com/', audience: [], algorithms: ['ES256', 'RS256'] },
      { issuer: 'https://b.example.com', audience: [], algorithms: ['ES256', 'RS256'] },
    ]);
  });

  it('reads a JSON array with per-issuer keys, audience, algorithms and preset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-issuers-'));
    writeFileSync(join(dir, 'key.pem'), rsa.spki);
    const config = loadConfig({
      MCP_RESOURCE_URL: RESOURCE,
      MCP_JWT_SECRET: 'x'.repeat(32),
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_ISSUER: 'https://primary.example.com',
      MCP_TRUSTED_ISSUERS: JSON.stringify([
        { issuer: 'https://t.auth0.com', provider: 'auth0', audience: 'https://api.example.com' },
        { issuer: 'https://kc.example.com/realms/a', jwksUri: 'https://kc.example.com/certs', algorithms: ['es256'] },
        { issuer: 'https://file.example.com', publicKeyFile: join(dir, 'key.pem') },
        { issuer: 'https://inline.example.com', publicKey: rsa.spki },
      ]),
    });
    expect(config.trustedIssuers).toEqual([
      {
        issuer: 'https://t.auth0.com/',
        provider: 'auth0',
        audience: ['https://api.example.com'],
        algorithms: ['RS256'],
      },
      {
        issuer: 'https://kc.example.com/realms/a',
        jwksUri: 'https://kc.example.com/certs',
        audience: [],
        algorithms: ['ES256'],
      },
      {
        issuer: 'https://file.example.com',
        publicKeyFile: join(dir, 'key.pem'),
        audience: [],
        algorithms: ['RS256'],
      },
      { issuer: 'https://inline.example.com', publicKey: rsa.spki.trim(), audience: [], algorithms: ['RS256'] },
    ]);
    // Public keys are described by fingerprint in logs, like MCP_JWT_PUBLIC_KEY.
    const described = describeConfig(config).trustedIssuers as Record<string, unknown>[];
    expect(described[3]!.publicKey).toMatch(/^SPKI PEM, fingerprint [0-9a-f]{8}$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the same entries from code, plain URLs included', () => {
    const config = defineConfig({
      resourceUrl: RESOURCE,
      trustedIssuers: ['https://a.example.com', { issuer: new URL('https://b.example.com/'), algorithms: 'PS256' }],
    });
    expect(config.trustedIssuers.map((entry) => [entry.issuer, entry.algorithms])).toEqual([
      ['https://a.example.com', ['RS256']],
      ['https://b.example.com/', ['PS256']],
    ]);
  });

  it('reports every problem of every entry at once, without echoing keys', () => {
    const found = problems(() =>
      loadConfig({
        MCP_RESOURCE_URL: RESOURCE,
        MCP_JWT_PUBLIC_KEY: rsa.spki,
        MCP_TRUSTED_ISSUERS: JSON.stringify([
          { issuer: 'http://plain.example.com', jwksUri: 'http://plain.example.com/jwks', publicKey: rsa.spki },
          { issuer: 'https://hs.example.com', algorithms: ['HS256', 'none'], audiance: 'x' },
          { jwksUri: 'https://nobody.example.com/jwks' },
          { issuer: 'https://bad-key.example.com', publicKey: 'not a key' },
          { issuer: 'https://google.com', provider: 'google' },
          { issuer: 'https://dup.example.com' },
          'https://dup.example.com',
          42,
        ]),
      }),
    );
    expect(found).toEqual([
      // Shape problems, found while parsing:
      'MCP_TRUSTED_ISSUERS: entry 2 (https://hs.example.com): "audiance" is not a known field (issuer, provider, audience, algorithms, jwksUri, publicKey, publicKeyFile)',
      expect.stringMatching(
        /^MCP_TRUSTED_ISSUERS: entry 2 \(https:\/\/hs.example.com\): algorithms: HS256 needs a shared secret/,
      ),
      expect.stringMatching(
        /^MCP_TRUSTED_ISSUERS: entry 2 \(https:\/\/hs.example.com\): algorithms: "none" is not a supported/,
      ),
      'MCP_TRUSTED_ISSUERS: entry 3: issuer is required',
      'MCP_TRUSTED_ISSUERS: entry 8: must be an issuer URL or an object with an "issuer" field',
      // ...and, in the same pass, the rules checked against the rest of the configuration:
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: entry 1 \(http:\/\/plain.example.com\): issuer must use https:\/\//),
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: entry 1 .*: jwksUri must use https:\/\//),
      'MCP_TRUSTED_ISSUERS: entry 1 (http://plain.example.com): set only one of jwksUri, publicKey (without any, the keys are discovered from the issuer)',
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: entry 4 .*: publicKey is neither a PEM public key/),
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: entry 5 .*: issuer is not Google's issuer/),
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: entry 5 .*: audience is required with provider google/),
      'MCP_TRUSTED_ISSUERS: entry 7: issuer https://dup.example.com is already configured by entry 6; each issuer may appear once',
      expect.stringMatching(
        /^MCP_JWT_ISSUER: is required when MCP_TRUSTED_ISSUERS is set and MCP_JWT_PUBLIC_KEY is configured/,
      ),
    ]);
    expect(found.join('\n')).not.toContain(rsa.spki.split('\n')[1]);
    expect(
      problems(() =>
        loadConfig({ MCP_JWT_SECRET: 'x'.repeat(32), MCP_JWT_ALGORITHM: 'HS256', MCP_TRUSTED_ISSUERS: '[{"issuer": ' }),
      ),
    ).toEqual([
      expect.stringMatching(/^MCP_TRUSTED_ISSUERS: is not valid JSON; expected a comma-separated list/),
      expect.stringMatching(/^MCP_JWT_ISSUER: is required when MCP_TRUSTED_ISSUERS is set and MCP_JWT_SECRET/),
    ]);
  });

  it('refuses an issuer configured both as MCP_JWT_ISSUER and as a trusted issuer, preset aliases included', () => {
    const tenant = '9188040d-6c67-4c5b-b112-36a304b66dad';
    expect(
      problems(() =>
        loadConfig({
          MCP_PROVIDER: 'entra',
          MCP_JWT_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0`,
          MCP_TRUSTED_ISSUERS: `https://sts.windows.net/${tenant}/`,
        }),
      ),
    ).toEqual([
      `MCP_TRUSTED_ISSUERS: entry 1: issuer https://sts.windows.net/${tenant}/ is already configured by MCP_JWT_ISSUER; each issuer may appear once`,
    ]);
  });
});

describe('introspection settings', () => {
  it('defaults: client_secret_basic, 5 s timeout, answers reused for at most 60 s', () => {
    expect(loadConfig({ MCP_OAUTH_INTROSPECTION_ENDPOINT: 'https://as.example.com/introspect' })).toMatchObject({
      oauthIntrospectionEndpoint: 'https://as.example.com/introspect',
      oauthIntrospectionAuthMethod: 'client_secret_basic',
      oauthIntrospectionTimeout: 5,
      oauthIntrospectionCacheMaxAge: 60,
    });
  });

  it('reads discover, the method, the timeout and the maximum cache age', () => {
    expect(
      loadConfig({
        MCP_JWT_ISSUER: 'https://as.example.com',
        MCP_OAUTH_INTROSPECTION_ENDPOINT: 'Discover',
        MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'client_secret_post',
        MCP_OAUTH_INTROSPECTION_TIMEOUT: '2.5',
        MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE: '0',
        MCP_OAUTH_CLIENT_ID: 'rs',
        MCP_OAUTH_CLIENT_SECRET: 'secret',
      }),
    ).toMatchObject({
      oauthIntrospectionEndpoint: 'discover',
      oauthIntrospectionAuthMethod: 'client_secret_post',
      oauthIntrospectionTimeout: 2.5,
      oauthIntrospectionCacheMaxAge: 0,
    });
  });

  it('reports every introspection problem at once', () => {
    expect(
      problems(() =>
        loadConfig({
          MCP_OAUTH_INTROSPECTION_ENDPOINT: 'discover',
          MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'client_secret_post',
          MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE: '1.5',
          MCP_OAUTH_CLIENT_SECRET: 'secret-value',
        }),
      ),
    ).toEqual([
      'MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE: must be an integer between 0 and 3600',
      expect.stringMatching(/^MCP_OAUTH_INTROSPECTION_ENDPOINT: is "discover" but there is no issuer/),
      'MCP_OAUTH_CLIENT_SECRET: is set without MCP_OAUTH_CLIENT_ID; set both',
      expect.stringMatching(/^MCP_OAUTH_INTROSPECTION_AUTH_METHOD: is client_secret_post but MCP_OAUTH_CLIENT_ID/),
    ]);
    expect(problems(() => loadConfig({ MCP_OAUTH_INTROSPECTION_ENDPOINT: 'nope' }))).toEqual([
      'MCP_OAUTH_INTROSPECTION_ENDPOINT: is not a valid absolute URL; expected e.g. https://auth.example.com, or "discover"',
    ]);
    expect(problems(() => loadConfig({ MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'private_key_jwt' }))).toEqual([
      'MCP_OAUTH_INTROSPECTION_AUTH_METHOD: must be one of: client_secret_basic, client_secret_post',
    ]);
  });
});

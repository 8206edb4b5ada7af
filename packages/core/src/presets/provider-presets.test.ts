// Provider presets (docs/providers.md): the claim and issuer quirks of Auth0, Entra ID, Keycloak and Google,
// exercised with tokens shaped like each provider's (RFC 8707 §2; RFC 9068 §2.2).
import { beforeAll, describe, expect, it } from 'vitest';
import { mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import { defineConfig, loadConfig } from '../config/load-config.js';
import { isConfigError } from '../errors/config-error.js';
import { providerPreset } from './provider-presets.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const ENTRA_V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const ENTRA_V1 = `https://sts.windows.net/${TENANT}/`;
let rsa: TestKeyPair;

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
});

async function authenticate(options: WardenOptions, claims: Record<string, unknown>): Promise<AuthResult> {
  const authenticator = await createAuthenticator({ resourceUrl: RESOURCE, jwtPublicKey: rsa.spki, ...options });
  try {
    const token = await mint(rsa.privateKey, 'RS256', claims);
    return await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
  } finally {
    await authenticator.close();
  }
}

function configProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('issuer normalization', () => {
  it.each([
    ['auth0', 'https://tenant.auth0.com', 'https://tenant.auth0.com/', ['https://tenant.auth0.com/']],
    ['auth0', 'https://login.example.com/', 'https://login.example.com/', ['https://login.example.com/']],
    ['entra', ENTRA_V2, ENTRA_V2, [ENTRA_V2, ENTRA_V1]],
    ['entra', `${ENTRA_V2}/`, ENTRA_V2, [ENTRA_V2, ENTRA_V1]],
    ['entra', ENTRA_V1, ENTRA_V2, [ENTRA_V2, ENTRA_V1]],
    [
      'entra',
      `https://login.microsoftonline.us/${TENANT}/v2.0`,
      `https://login.microsoftonline.us/${TENANT}/v2.0`,
      [`https://login.microsoftonline.us/${TENANT}/v2.0`],
    ],
    [
      'keycloak',
      'https://kc.example.com/realms/mcp/',
      'https://kc.example.com/realms/mcp',
      ['https://kc.example.com/realms/mcp'],
    ],
    [
      'keycloak',
      'https://kc.example.com/auth/realms/mcp',
      'https://kc.example.com/auth/realms/mcp',
      ['https://kc.example.com/auth/realms/mcp'],
    ],
    [
      'google',
      'https://accounts.google.com/',
      'https://accounts.google.com',
      ['https://accounts.google.com', 'accounts.google.com'],
    ],
  ] as const)('%s: %s', (name, configured, issuer, accepted) => {
    expect(providerPreset(name).resolveIssuer(configured)).toEqual({ issuer, acceptedIssuers: accepted });
  });

  it.each([
    ['auth0', 'https://tenant.auth0.com/api', /no path/],
    ['entra', 'https://login.microsoftonline.com/common/v2.0', /multi-tenant/],
    ['entra', 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', /tenant by its ID/],
    ['entra', 'https://login.microsoftonline.com/oauth2/token', /not an Entra ID issuer/],
    ['keycloak', 'https://kc.example.com/', /realm issuer/],
    ['google', 'https://google.com', /one, https:\/\/accounts.google.com/],
  ] as const)('%s refuses %s', (name, configured, message) => {
    expect(() => providerPreset(name).resolveIssuer(configured)).toThrow(message);
  });

  it('refuses unknown and prototype names', () => {
    expect(() => providerPreset('okta' as never)).toThrow(TypeError);
    expect(() => providerPreset('constructor' as never)).toThrow(TypeError);
  });
});

describe('MCP_PROVIDER in the configuration', () => {
  it('auth0: adds the trailing slash Auth0 puts in iss, also when derived from MCP_OAUTH_SERVER_URL', () => {
    expect(loadConfig({ MCP_PROVIDER: 'auth0', MCP_JWT_ISSUER: 'https://t.auth0.com' }).jwtIssuer).toBe(
      'https://t.auth0.com/',
    );
    const derived = loadConfig({ MCP_PROVIDER: 'Auth0', MCP_OAUTH_SERVER_URL: 'https://t.auth0.com' });
    expect(derived).toMatchObject({
      provider: 'auth0',
      jwtIssuer: 'https://t.auth0.com/',
      oauthServerUrl: 'https://t.auth0.com',
    });
  });

  it('google: the issuer is implied, the audience (your OAuth client ID) is required', () => {
    expect(configProblems(() => loadConfig({ MCP_PROVIDER: 'google' }))).toEqual([
      expect.stringMatching(/^MCP_JWT_AUDIENCE: must be set with MCP_PROVIDER=google: .*OAuth client ID/),
    ]);
    const config = loadConfig({ MCP_PROVIDER: 'google', MCP_JWT_AUDIENCE: '1234.apps.googleusercontent.com' });
    expect(config.jwtIssuer).toBe('https://accounts.google.com');
  });

  it('reports every preset problem at once, naming the variables', () => {
    expect(
      configProblems(() =>
        loadConfig({
          MCP_PROVIDER: 'entra',
          MCP_JWT_ISSUER: 'https://login.microsoftonline.com/common/v2.0',
          MCP_OAUTH_INTROSPECTION_TIMEOUT: '0',
        }),
      ),
    ).toEqual([
      'MCP_OAUTH_INTROSPECTION_TIMEOUT: must be a number between 0.1 and 60',
      expect.stringMatching(/^MCP_JWT_ISSUER: names the multi-tenant endpoint "common".*\(MCP_PROVIDER=entra\)$/),
    ]);
    expect(configProblems(() => loadConfig({ MCP_PROVIDER: 'keycloak' }))).toEqual([
      expect.stringMatching(/^MCP_PROVIDER: is keycloak but no issuer is configured: set MCP_JWT_ISSUER/),
    ]);
    expect(configProblems(() => loadConfig({ MCP_PROVIDER: 'okta' }))).toEqual([
      'MCP_PROVIDER: must be one of: auth0, entra, keycloak, google',
    ]);
    expect(configProblems(() => defineConfig({ provider: 'keycloak', jwtIssuer: 'https://kc.example.com/x' }))).toEqual(
      [expect.stringMatching(/^jwtIssuer: is not a Keycloak realm issuer.*\(provider=keycloak\)$/)],
    );
  });

  it('is re-applied idempotently when a resolved configuration is passed again', () => {
    const config = loadConfig({ MCP_PROVIDER: 'entra', MCP_JWT_ISSUER: ENTRA_V1 });
    expect(config.jwtIssuer).toBe(ENTRA_V2);
    expect(defineConfig(config)).toEqual(config);
  });
});

describe('claims as each provider emits them', () => {
  it('auth0: RBAC permissions are scopes, azp is the client', async () => {
    const result = await authenticate(
      { provider: 'auth0', jwtIssuer: 'https://t.auth0.com' },
      {
        iss: 'https://t.auth0.com/',
        azp: 'auth0-client',
        sub: 'auth0-client@clients',
        scope: 'read:tools',
        permissions: ['mcp:tools', 'mcp:admin'],
      },
    );
    expect(result).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'auth0-client', scopes: ['read:tools', 'mcp:tools', 'mcp:admin'] },
    });
  });

  it('auth0: a token whose iss lacks the slash is refused (the issuer check stays exact)', async () => {
    const result = await authenticate(
      { provider: 'auth0', jwtIssuer: 'https://t.auth0.com/' },
      { iss: 'https://t.auth0.com' },
    );
    expect(result.outcome === 'rejected' && result.error.code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('entra: v2 tokens (azp, scp) and v1 tokens (appid, roles, sts.windows.net issuer) of one tenant', async () => {
    const options: WardenOptions = { provider: 'entra', jwtIssuer: ENTRA_V2, jwtAudience: ['api://mcp', RESOURCE] };
    const v2 = await authenticate(options, {
      iss: ENTRA_V2,
      azp: 'v2-client',
      scp: 'mcp.tools mcp.read',
      aud: RESOURCE,
    });
    expect(v2).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'v2-client', scopes: ['mcp.tools', 'mcp.read'] },
    });
    const v1 = await authenticate(options, {
      iss: ENTRA_V1,
      appid: 'v1-client',
      roles: ['Mcp.Admin'],
      aud: 'api://mcp',
    });
    expect(v1).toMatchObject({ outcome: 'authenticated', authInfo: { clientId: 'v1-client', scopes: ['Mcp.Admin'] } });
    const otherTenant = await authenticate(options, {
      iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/',
    });
    expect(otherTenant.outcome === 'rejected' && otherTenant.error.code).toBe('ERR_ISSUER_MISMATCH');
  });

  it('keycloak: azp is the client even next to a different client_id, only `scope` carries scopes', async () => {
    const result = await authenticate(
      { provider: 'keycloak', jwtIssuer: 'https://kc.example.com/realms/mcp' },
      {
        iss: 'https://kc.example.com/realms/mcp',
        azp: 'mcp-inspector',
        client_id: 'other',
        scope: 'mcp:tools',
        permissions: ['x'],
      },
    );
    expect(result).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'mcp-inspector', scopes: ['mcp:tools'] },
    });
  });

  it('google: ID tokens with either issuer spelling and the client ID as audience', async () => {
    const options: WardenOptions = { provider: 'google', jwtAudience: ['1234.apps.googleusercontent.com'] };
    for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
      const result = await authenticate(options, {
        iss,
        aud: '1234.apps.googleusercontent.com',
        azp: '1234.apps.googleusercontent.com',
        sub: '1057',
      });
      expect(result).toMatchObject({
        outcome: 'authenticated',
        authInfo: { clientId: '1234.apps.googleusercontent.com', scopes: [] },
      });
    }
    const forUs = await authenticate(options, { iss: 'https://accounts.google.com', aud: RESOURCE });
    expect(forUs.outcome === 'rejected' && forUs.error.code).toBe('ERR_AUDIENCE_MISMATCH');
  });

  it('a trusted issuer gets its own preset', async () => {
    const result = await authenticate(
      {
        jwtPublicKey: undefined,
        trustedIssuers: [{ issuer: ENTRA_V2, provider: 'entra', publicKey: rsa.spki }],
      },
      { iss: ENTRA_V1, appid: 'v1-client', scp: 'mcp.tools' },
    );
    expect(result).toMatchObject({
      outcome: 'authenticated',
      authInfo: { clientId: 'v1-client', scopes: ['mcp.tools'] },
    });
  });
});

import { loadConfig } from '@mcp-warden/core';
import { describe, expect, it } from 'vitest';
import {
  authorizationServerMetadataFromConfig,
  authorizationServersFromConfig,
  configuredIssuer,
  protectedResourceMetadataFromConfig,
} from './documents-from-config.js';

// The seed's configuration examples, variable for variable, plus the public URL of the MCP
// endpoint (MCP_RESOURCE_URL) a production deployment sets.
const seedAuth0 = {
  MCP_AUTH_ENABLED: 'true',
  MCP_AUTH_REQUIRED: 'true',
  MCP_JWT_ENABLED: 'true',
  MCP_JWT_ALGORITHM: 'RS256',
  MCP_JWT_AUDIENCE: 'https://your-mcp-server.example.com',
  MCP_JWT_ISSUER: 'https://your-tenant.auth0.com/',
  MCP_OAUTH_SERVER_URL: 'https://your-tenant.auth0.com',
  MCP_OAUTH_JWKS_URI: 'https://your-tenant.auth0.com/.well-known/jwks.json',
  MCP_RESOURCE_URL: 'https://your-mcp-server.example.com',
};
const seedGoogle = {
  MCP_OAUTH_SERVER_URL: 'https://accounts.google.com',
  MCP_JWT_ISSUER: 'https://accounts.google.com',
  MCP_OAUTH_AUTHORIZATION_ENDPOINT: 'https://accounts.google.com/o/oauth2/v2/auth',
  MCP_OAUTH_TOKEN_ENDPOINT: 'https://oauth2.googleapis.com/token',
  MCP_OAUTH_JWKS_URI: 'https://www.googleapis.com/oauth2/v3/certs',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
};
const seedCustom = {
  MCP_OAUTH_SERVER_URL: 'https://your-oauth-server.com',
  MCP_JWT_ISSUER: 'https://your-oauth-server.com',
  MCP_OAUTH_JWKS_URI: 'https://your-oauth-server.com/.well-known/jwks.json',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
};
const seedDiscoveryTest = { MCP_OAUTH_SERVER_URL: 'https://your-oauth-provider.com' };

// Every example configures JWT validation, so DPoP-bound tokens are accepted (RFC 9449 §5.1).
const dpop = { dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'] };

const grants = {
  response_types_supported: ['code'],
  grant_types_supported: ['authorization_code', 'client_credentials'],
  code_challenge_methods_supported: ['S256'],
};

describe('documents from the configuration examples of docs/compatibility.md (RFC 9728 §2; RFC 8414 §3)', () => {
  it.each([
    [
      'Auth0',
      seedAuth0,
      {
        resource: 'https://your-mcp-server.example.com',
        authorization_servers: ['https://your-tenant.auth0.com/'],
        bearer_methods_supported: ['header'],
        ...dpop,
      },
      {
        issuer: 'https://your-tenant.auth0.com/',
        authorization_endpoint: 'https://your-tenant.auth0.com/authorize',
        token_endpoint: 'https://your-tenant.auth0.com/token',
        jwks_uri: 'https://your-tenant.auth0.com/.well-known/jwks.json',
        ...grants,
      },
    ],
    [
      'Google',
      seedGoogle,
      {
        resource: 'https://mcp.example.com/mcp',
        authorization_servers: ['https://accounts.google.com'],
        bearer_methods_supported: ['header'],
        ...dpop,
      },
      {
        issuer: 'https://accounts.google.com',
        authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
        token_endpoint: 'https://oauth2.googleapis.com/token',
        jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
        ...grants,
      },
    ],
    [
      'custom OAuth server',
      seedCustom,
      {
        resource: 'https://mcp.example.com/mcp',
        authorization_servers: ['https://your-oauth-server.com'],
        bearer_methods_supported: ['header'],
        ...dpop,
      },
      {
        issuer: 'https://your-oauth-server.com',
        authorization_endpoint: 'https://your-oauth-server.com/authorize',
        token_endpoint: 'https://your-oauth-server.com/token',
        jwks_uri: 'https://your-oauth-server.com/.well-known/jwks.json',
        ...grants,
      },
    ],
  ])('%s', (_name, env, prm, asm) => {
    const config = loadConfig(env);
    expect(protectedResourceMetadataFromConfig(config)).toEqual(prm);
    expect(authorizationServerMetadataFromConfig(config)).toEqual(asm);
  });

  it("gives the 'Test Metadata Discovery' output of docs/compatibility.md byte for byte", () => {
    const config = loadConfig(seedDiscoveryTest);
    expect(JSON.stringify(authorizationServerMetadataFromConfig(config))).toBe(
      JSON.stringify({
        issuer: 'https://your-oauth-provider.com',
        authorization_endpoint: 'https://your-oauth-provider.com/authorize',
        token_endpoint: 'https://your-oauth-provider.com/token',
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
      }),
    );
  });

  it('adds registration_endpoint when MCP_OAUTH_REGISTRATION_ENDPOINT is set', () => {
    const config = loadConfig({
      ...seedCustom,
      MCP_OAUTH_REGISTRATION_ENDPOINT: 'https://your-oauth-server.com/register',
    });
    expect(authorizationServerMetadataFromConfig(config)?.registration_endpoint).toBe(
      'https://your-oauth-server.com/register',
    );
  });

  it('builds from the issuer and explicit endpoints without MCP_OAUTH_SERVER_URL', () => {
    const config = loadConfig({
      MCP_JWT_ISSUER: 'https://issuer.example.com/',
      MCP_OAUTH_AUTHORIZATION_ENDPOINT: 'https://issuer.example.com/oauth/authorize',
      MCP_OAUTH_TOKEN_ENDPOINT: 'https://issuer.example.com/oauth/token',
    });
    expect(authorizationServerMetadataFromConfig(config)).toMatchObject({
      issuer: 'https://issuer.example.com/',
      authorization_endpoint: 'https://issuer.example.com/oauth/authorize',
      token_endpoint: 'https://issuer.example.com/oauth/token',
    });
  });

  it('knows no authorization server when none is configured', () => {
    const config = loadConfig({ MCP_API_KEYS: 'dev-key-123' });
    expect(configuredIssuer(config)).toBeUndefined();
    expect(authorizationServerMetadataFromConfig(config)).toBeUndefined();
    expect(protectedResourceMetadataFromConfig(config)).toEqual({
      resource: 'http://localhost:8000/mcp',
      bearer_methods_supported: ['header'],
    });
  });

  it('advertises MCP_SCOPES_SUPPORTED, else the scopes the server asks for, never offline_access', () => {
    const declared = loadConfig({ ...seedCustom, MCP_SCOPES_SUPPORTED: 'mcp:read mcp:write offline_access' });
    expect(protectedResourceMetadataFromConfig(declared).scopes_supported).toEqual(['mcp:read', 'mcp:write']);

    const derived = loadConfig({
      ...seedCustom,
      MCP_REQUIRED_SCOPES: 'mcp:read',
      MCP_TOOL_SCOPES: 'delete_file=mcp:admin;whoami=mcp:read',
    });
    expect(protectedResourceMetadataFromConfig(derived).scopes_supported).toEqual(['mcp:read', 'mcp:admin']);
  });

  it('carries MCP_RESOURCE_NAME and MCP_RESOURCE_DOCUMENTATION', () => {
    const config = loadConfig({
      ...seedCustom,
      MCP_RESOURCE_NAME: 'Example MCP',
      MCP_RESOURCE_DOCUMENTATION: 'https://docs.example.com/mcp',
    });
    expect(protectedResourceMetadataFromConfig(config)).toMatchObject({
      resource_name: 'Example MCP',
      resource_documentation: 'https://docs.example.com/mcp',
    });
  });
});

describe('several trusted issuers (docs/providers.md; RFC 9728 §2)', () => {
  it('lists every trusted issuer in authorization_servers, the MCP_JWT_ISSUER one first, each once', () => {
    const config = loadConfig({
      MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
      MCP_PROVIDER: 'auth0',
      MCP_JWT_ISSUER: 'https://t.auth0.com',
      MCP_TRUSTED_ISSUERS: JSON.stringify([
        { issuer: 'https://kc.example.com/realms/mcp/', provider: 'keycloak' },
        { issuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0', provider: 'entra' },
      ]),
    });
    // Preset aliases (Entra's v1 sts.windows.net issuer) are accepted in tokens but not advertised.
    const expected = [
      'https://t.auth0.com/',
      'https://kc.example.com/realms/mcp',
      'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    ];
    expect(authorizationServersFromConfig(config)).toEqual(expected);
    expect(protectedResourceMetadataFromConfig(config).authorization_servers).toEqual(expected);
  });

  it('uses the first trusted issuer as the primary one when MCP_JWT_ISSUER and MCP_OAUTH_SERVER_URL are unset', () => {
    const config = loadConfig({ MCP_TRUSTED_ISSUERS: 'https://a.example.com/,https://b.example.com' });
    expect(configuredIssuer(config)).toBe('https://a.example.com/');
    expect(protectedResourceMetadataFromConfig(config).authorization_servers).toEqual([
      'https://a.example.com/',
      'https://b.example.com',
    ]);
  });
});

describe('DPoP in the protected-resource metadata (RFC 9728 §2)', () => {
  it('lists the proof algorithms, and says when bound tokens are required', () => {
    const base = { MCP_JWT_ISSUER: 'https://as.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' };
    expect(protectedResourceMetadataFromConfig(loadConfig(base))).toMatchObject({
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    });
    expect(protectedResourceMetadataFromConfig(loadConfig(base)).dpop_bound_access_tokens_required).toBeUndefined();
    expect(
      protectedResourceMetadataFromConfig(
        loadConfig({ ...base, MCP_DPOP_REQUIRED: 'true', MCP_DPOP_ALGORITHMS: 'EdDSA,ES384' }),
      ),
    ).toMatchObject({ dpop_signing_alg_values_supported: ['EdDSA', 'ES384'], dpop_bound_access_tokens_required: true });
  });

  it('says nothing of DPoP when it is off, or when nothing could verify an access token', () => {
    for (const env of [
      { MCP_JWT_ISSUER: 'https://as.example.com', MCP_DPOP_ENABLED: 'false' },
      { MCP_JWT_ISSUER: 'https://as.example.com', MCP_AUTH_ENABLED: 'false' },
      { MCP_API_KEYS: 'key-1' },
    ]) {
      const document = protectedResourceMetadataFromConfig(loadConfig(env));
      expect(document).not.toHaveProperty('dpop_signing_alg_values_supported');
      expect(document).not.toHaveProperty('dpop_bound_access_tokens_required');
    }
    expect(
      protectedResourceMetadataFromConfig(
        loadConfig({
          MCP_OAUTH_INTROSPECTION_ENDPOINT: 'https://as.example.com/introspect',
          MCP_OAUTH_CLIENT_ID: 'rs',
        }),
      ),
    ).toHaveProperty('dpop_signing_alg_values_supported');
  });
});

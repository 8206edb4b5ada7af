import { describe, expect, it } from 'vitest';
import { authorizationServerMetadata } from './authorization-server-metadata.js';

describe('authorizationServerMetadata (RFC 8414 §3)', () => {
  it('reproduces the example output of docs/compatibility.md byte for byte', () => {
    const seedExample = `{
  "issuer": "https://your-oauth-provider.com",
  "authorization_endpoint": "https://your-oauth-provider.com/authorize",
  "token_endpoint": "https://your-oauth-provider.com/token",
  "response_types_supported": ["code"],
  "grant_types_supported": ["authorization_code", "client_credentials"],
  "code_challenge_methods_supported": ["S256"]
}`;
    const document = authorizationServerMetadata({ serverUrl: 'https://your-oauth-provider.com' });
    expect(JSON.stringify(document)).toBe(JSON.stringify(JSON.parse(seedExample)));
  });

  it('uses custom endpoints and adds registration_endpoint, jwks_uri and scopes when given', () => {
    expect(
      authorizationServerMetadata({
        serverUrl: 'https://accounts.google.com',
        authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenEndpoint: 'https://oauth2.googleapis.com/token',
        registrationEndpoint: 'https://accounts.google.com/register',
        jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
        scopesSupported: ['openid', 'email'],
      }),
    ).toEqual({
      issuer: 'https://accounts.google.com',
      authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_endpoint: 'https://oauth2.googleapis.com/token',
      registration_endpoint: 'https://accounts.google.com/register',
      jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
      scopes_supported: ['openid', 'email'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('keeps the issuer exactly and derives endpoints without a doubled slash', () => {
    const document = authorizationServerMetadata({
      serverUrl: 'https://your-tenant.auth0.com',
      issuer: 'https://your-tenant.auth0.com/',
    });
    expect(document.issuer).toBe('https://your-tenant.auth0.com/');
    expect(document.authorization_endpoint).toBe('https://your-tenant.auth0.com/authorize');

    const fromIssuerOnly = authorizationServerMetadata({ issuer: 'https://as.example.com/tenant/' });
    expect(fromIssuerOnly.issuer).toBe('https://as.example.com/tenant/');
    expect(fromIssuerOnly.token_endpoint).toBe('https://as.example.com/tenant/token');
  });

  it.each([
    [{}, /serverUrl or issuer is required/],
    [{ serverUrl: 'your-oauth-provider.com' }, /serverUrl must be an absolute URL/],
    [{ serverUrl: 'https://h', tokenEndpoint: '/token' }, /tokenEndpoint must be an absolute URL/],
  ])('rejects misuse at call time: %j', (options, message) => {
    expect(() => authorizationServerMetadata(options)).toThrow(message);
  });
});

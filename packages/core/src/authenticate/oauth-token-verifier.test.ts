// The verifier handed to the official MCP SDK's requireBearerAuth (docs/requirements.md, "Every request authenticated": "a verifier usable as
// the SDK's OAuthTokenVerifier"), over real HTTP.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireBearerAuth } from '@modelcontextprotocol/express';
import {
  OAuthError,
  type OAuthTokenVerifier,
  requireBearerAuth as requireBearerAuthGate,
} from '@modelcontextprotocol/server';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator } from './authenticator-types.js';
import { createAuthenticator } from './create-authenticator.js';
import { toOAuthTokenVerifier } from './oauth-token-verifier.js';

let rsa: TestKeyPair;
let authenticator: Authenticator;
let server: Server;
let base: string;

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
  authenticator = await createAuthenticator({ resourceUrl: RESOURCE, jwtIssuer: ISSUER, jwtPublicKey: rsa.spki });
  // Compile-time proof: the authenticator itself is the SDK's OAuthTokenVerifier.
  const direct: OAuthTokenVerifier = authenticator;
  const translated: OAuthTokenVerifier = toOAuthTokenVerifier(authenticator, OAuthError);
  const app = express();
  const options = { requiredScopes: ['mcp:read'], resourceMetadataUrl: authenticator.resourceMetadataUrl };
  app.get('/direct', requireBearerAuth({ verifier: direct, ...options }), (req, res) => {
    res.json(req.auth);
  });
  app.get('/mcp', requireBearerAuth({ verifier: translated, ...options }), (req, res) => {
    res.json(req.auth);
  });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await authenticator.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function get(path: string, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

describe('requireBearerAuth from @modelcontextprotocol/express', () => {
  it('accepts a valid token and exposes our AuthInfo as req.auth', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read', client_id: 'sdk-client' });
    for (const path of ['/direct', '/mcp']) {
      const response = await get(path, token);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        token,
        clientId: 'sdk-client',
        scopes: ['mcp:read'],
        resource: RESOURCE,
        extra: { method: 'jwt', subject: 'user-1', issuer: ISSUER },
      });
    }
  });

  it('answers 401 invalid_token with the challenge for a bad token', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'https://elsewhere.example.com' });
    const response = await get('/mcp', token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid token audience' });
    const challenge = response.headers.get('www-authenticate');
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(`resource_metadata="${authenticator.resourceMetadataUrl}"`);
  });

  it('answers 403 insufficient_scope when the token lacks the scope', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'other' });
    const response = await get('/mcp', token);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="mcp:read"');
  });

  it('answers 401 without credentials', async () => {
    expect((await get('/mcp')).status).toBe(401);
  });

  it('without the translation the SDK can only answer 500 to our errors (why toOAuthTokenVerifier exists)', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'https://elsewhere.example.com' });
    const response = await get('/direct', token);
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain(token);
  });
});

describe('requireBearerAuth from @modelcontextprotocol/server (the fetch-style gate)', () => {
  it('resolves to our AuthInfo for a valid token, and to a 401 Response for a bad one', async () => {
    const gate = requireBearerAuthGate({
      verifier: toOAuthTokenVerifier(authenticator, OAuthError),
      expectedResource: new URL(RESOURCE),
      resourceMetadataUrl: authenticator.resourceMetadataUrl,
    });
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read' });
    const ok = await gate(new Request(RESOURCE, { headers: { authorization: `Bearer ${token}` } }));
    expect(ok).not.toBeInstanceOf(Response);
    expect(ok).toMatchObject({ token, scopes: ['mcp:read'], extra: { method: 'jwt' } });
    const expired = await mint(rsa.privateKey, 'RS256', { exp: Math.floor(Date.now() / 1000) - 60 });
    const denied = await gate(new Request(RESOURCE, { headers: { authorization: `Bearer ${expired}` } }));
    expect(denied).toBeInstanceOf(Response);
    expect((denied as Response).status).toBe(401);
    expect(await (denied as Response).json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token has expired',
    });
  });
});

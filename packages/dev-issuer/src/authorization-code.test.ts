import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, pkcePair, postForm, register } from './__fixtures__/oauth-client.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';

const RESOURCE = 'http://localhost:8000/mcp';
// Never contacted: the flow stops at the redirect, as a native client catching it would.
const REDIRECT_URI = 'http://127.0.0.1:33418/callback';

function authorizationUrl(
  issuer: DevIssuer,
  clientId: string,
  challenge: string,
  extra: Record<string, string> = {},
): URL {
  const url = new URL(issuer.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'mcp:tools',
    resource: RESOURCE,
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url;
}

async function registerPublicClient(issuer: DevIssuer, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await register(issuer.registrationEndpoint, {
    client_name: 'Test MCP client',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  });
  expect(status).toBe(201);
  return body.client_id as string;
}

describe('authorization code + PKCE, played by HTTP', () => {
  let issuer: DevIssuer;

  beforeAll(async () => {
    issuer = await createDevIssuer({
      resource: RESOURCE,
      user: { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.test' },
    });
  });
  afterAll(() => issuer.close());

  it('registers, signs in at the login page, exchanges the code and refreshes', async () => {
    const clientId = await registerPublicClient(issuer);
    const { verifier, challenge } = pkcePair();
    const browser = new CookieJar();

    // 1. The authorization request sends the browser to the login page.
    const authorize = await browser.fetch(
      authorizationUrl(issuer, clientId, challenge, { scope: 'mcp:tools mcp:admin' }),
    );
    expect(authorize.status).toBe(303);
    const loginPage = new URL(authorize.headers.get('location') as string, issuer.url);
    expect(loginPage.pathname).toMatch(/^\/interaction\/[\w-]+$/);

    // 2. The page is a plain form naming the user, the client and the scopes.
    const page = await browser.fetch(loginPage);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('not for production');
    expect(html).toContain('Ada Lovelace');
    expect(html).toContain('Test MCP client');
    expect(html).toContain('<code>mcp:admin</code>');
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBe(`${loginPage.pathname}/confirm`);

    // 3. Approving, then following the issuer's redirects, ends at the client with a code.
    let response = await browser.fetch(new URL(action as string, issuer.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    let location = new URL(response.headers.get('location') as string, issuer.url);
    for (let hops = 0; location.origin === issuer.url && hops < 6; hops++) {
      expect(response.status).toBe(303);
      response = await browser.fetch(location);
      location = new URL(response.headers.get('location') as string, issuer.url);
    }
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    // RFC 9207: the issuer identifies itself in the response.
    expect(location.searchParams.get('iss')).toBe(issuer.issuer);
    const code = location.searchParams.get('code') as string;
    expect(code).toBeTruthy();

    // 4. The code and the PKCE verifier buy an access token for the resource and a refresh token.
    const { status, body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      resource: RESOURCE,
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('mcp:tools mcp:admin');
    expect(typeof body.refresh_token).toBe('string');
    const keys = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(body.access_token as string, keys, {
      issuer: issuer.issuer,
      audience: RESOURCE,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.sub).toBe('ada');
    expect(payload.client_id).toBe(clientId);
    expect(payload.scope).toBe('mcp:tools mcp:admin');

    // 5. The refresh token works without the browser, and can narrow the scope.
    const refreshed = await postForm(issuer.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token as string,
      client_id: clientId,
      scope: 'mcp:tools',
    });
    expect(refreshed.status).toBe(200);
    const again = await jwtVerify(refreshed.body.access_token as string, keys, {
      issuer: issuer.issuer,
      audience: RESOURCE,
      typ: 'at+jwt',
    });
    expect(again.payload.sub).toBe('ada');
    expect(again.payload.scope).toBe('mcp:tools');
    expect(again.payload.jti).not.toBe(payload.jti);

    // 6. A code is good once.
    const replay = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('completes the flow with completeAuthorization() and uses the granted resource when the token request names none', async () => {
    const clientId = await registerPublicClient(issuer);
    const { verifier, challenge } = pkcePair();
    const callback = await issuer.completeAuthorization(authorizationUrl(issuer, clientId, challenge));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    const { status, body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    });
    expect(status).toBe(200);
    const claims = decodeJwt(body.access_token as string);
    expect(claims.aud).toBe(RESOURCE);
    expect(claims.sub).toBe('ada');
  });

  it('works for confidential clients registered with a secret', async () => {
    const { body: client } = await register(issuer.registrationEndpoint, {
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const { verifier, challenge } = pkcePair();
    const callback = await issuer.completeAuthorization(
      authorizationUrl(issuer, client.client_id as string, challenge),
    );
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') as string,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      },
      { clientId: client.client_id as string, clientSecret: client.client_secret as string },
    );
    expect(status).toBe(200);
    expect(typeof body.refresh_token).toBe('string');
  });

  it('grants every configured scope when the client asks for none', async () => {
    const clientId = await registerPublicClient(issuer);
    const { verifier, challenge } = pkcePair();
    const url = authorizationUrl(issuer, clientId, challenge);
    url.searchParams.delete('scope');
    const callback = await issuer.completeAuthorization(url);
    const { body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    });
    expect(body.scope).toBe('mcp:tools mcp:admin');
    expect(decodeJwt(body.access_token as string).scope).toBe('mcp:tools mcp:admin');
  });

  it('sends the client access_denied when the user denies', async () => {
    const clientId = await registerPublicClient(issuer);
    const { challenge } = pkcePair();
    const callback = await issuer.completeAuthorization(authorizationUrl(issuer, clientId, challenge), {
      decision: 'deny',
    });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('rejects a wrong PKCE verifier with invalid_grant', async () => {
    const clientId = await registerPublicClient(issuer);
    const { challenge } = pkcePair();
    const callback = await issuer.completeAuthorization(authorizationUrl(issuer, clientId, challenge));
    const { status, body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      code_verifier: pkcePair().verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('requires PKCE with S256', async () => {
    const clientId = await registerPublicClient(issuer);
    const browser = new CookieJar();
    const withoutPkce = authorizationUrl(issuer, clientId, 'x');
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');
    const missing = new URL((await browser.fetch(withoutPkce)).headers.get('location') as string);
    expect(missing.searchParams.get('error')).toBe('invalid_request');
    expect(missing.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = authorizationUrl(issuer, clientId, pkcePair().verifier, { code_challenge_method: 'plain' });
    const refused = new URL((await browser.fetch(plain)).headers.get('location') as string);
    expect(refused.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses an unknown scope or resource at the authorization endpoint', async () => {
    const clientId = await registerPublicClient(issuer);
    const { challenge } = pkcePair();
    const browser = new CookieJar();
    const scope = await browser.fetch(authorizationUrl(issuer, clientId, challenge, { scope: 'mcp:tools mcp:root' }));
    const scopeError = new URL(scope.headers.get('location') as string);
    expect(scopeError.searchParams.get('error')).toBe('invalid_scope');
    expect(scopeError.searchParams.get('state')).toBe('state-123');

    const resource = await browser.fetch(
      authorizationUrl(issuer, clientId, challenge, { resource: 'https://elsewhere.example/mcp' }),
    );
    expect(new URL(resource.headers.get('location') as string).searchParams.get('error')).toBe('invalid_target');
  });

  it('escapes what clients registered when it shows them on the login page', async () => {
    const clientId = await registerPublicClient(issuer, { client_name: '<script>alert(1)</script>' });
    const browser = new CookieJar();
    const authorize = await browser.fetch(authorizationUrl(issuer, clientId, pkcePair().challenge));
    const page = await browser.fetch(new URL(authorize.headers.get('location') as string, issuer.url));
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers login page misuse with JSON errors, never a stack trace', async () => {
    const stranger = await fetch(`${issuer.url}/interaction/abc123`);
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toEqual({
      error: 'invalid_request',
      error_description:
        'this sign-in request has expired or was started in another browser; start the authorization again',
    });

    const clientId = await registerPublicClient(issuer);
    const browser = new CookieJar();
    const authorize = await browser.fetch(authorizationUrl(issuer, clientId, pkcePair().challenge));
    const loginPage = new URL(authorize.headers.get('location') as string, issuer.url);
    const wrongMethod = await browser.fetch(new URL(`${loginPage.pathname}/confirm`, issuer.url));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const badDecision = await browser.fetch(new URL(`${loginPage.pathname}/confirm`, issuer.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=maybe',
    });
    expect(badDecision.status).toBe(400);
    expect(((await badDecision.json()) as { error: string }).error).toBe('invalid_request');
    const otherRequest = await browser.fetch(new URL('/interaction/not-this-one', issuer.url));
    expect(otherRequest.status).toBe(400);
  });
});

describe('autoApprove', () => {
  it('skips the login page: the authorization request redirects to the client with a code', async () => {
    const issuer = await createDevIssuer({ resource: RESOURCE, autoApprove: true });
    try {
      const clientId = await registerPublicClient(issuer);
      const browser = new CookieJar();
      let location = authorizationUrl(issuer, clientId, pkcePair().challenge);
      for (let hops = 0; location.origin === issuer.url && hops < 8; hops++) {
        const response = await browser.fetch(location);
        expect(response.status).toBe(303);
        location = new URL(response.headers.get('location') as string, issuer.url);
      }
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(location.searchParams.get('code')).toBeTruthy();
    } finally {
      await issuer.close();
    }
  });
});

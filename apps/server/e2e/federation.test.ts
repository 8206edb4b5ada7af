// The federating authorization server end to end, with no internet: the reference server process
// is its own MCP-ready authorization server and hands sign-in to an upstream provider — a fake
// GitHub (federation/fake-github.ts) or a second oidc-provider standing in for Google or any
// OpenID provider. Headless Chromium plays the user (upstream sign-in, then the consent page);
// the official MCP SDK client does discovery, dynamic registration, code + PKCE and refresh.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import {
  Client,
  type OAuthClientMetadata,
  refreshAuthorization,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../packages/redis/src/__fixtures__/redis-server.js';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from './browser/chromium.js';
import { type FakeGitHub, startFakeGitHub } from './federation/fake-github.js';
import { REDIRECT_URL, TestOAuthClient } from './oauth-test-client.js';
import { FRAMEWORKS, freePort, runUntilExit, type ServerProcess, startServerProcess } from './server-process.js';

const SECRET = randomBytes(32).toString('base64url');

let browser: Browser;

beforeAll(async () => {
  requireChromium();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 90_000 });
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
});

/** A browser context whose requests to the MCP client's redirect URI are answered and recorded. */
async function userBrowser(): Promise<{ context: BrowserContext; page: Page; callbacks: URL[] }> {
  const context = await browser.newContext();
  const callbacks: URL[] = [];
  await context.route(`${new URL(REDIRECT_URL).origin}/**`, async (route) => {
    callbacks.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
  });
  await context.route('http://127.0.0.1:7/**', async (route) => {
    callbacks.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'attacker' });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return { context, page, callbacks };
}

/** Waits until the browser has been sent back to a client redirect URI. */
async function backAtClient(page: Page, callbacks: URL[]): Promise<URL> {
  await page.waitForURL((url) => url.origin === new URL(REDIRECT_URL).origin || url.port === '7');
  const last = callbacks.at(-1);
  if (!last) throw new Error('no callback recorded');
  return last;
}

function toolText(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]!.text;
}

/**
 * The MCP client's whole first connection: 401, discovery, registration, the browser through
 * `signIn` (upstream sign-in page, then consent), code exchange, then a connected client.
 */
async function connectThroughBrowser(
  mcpUrl: string,
  page: Page,
  callbacks: URL[],
  signIn: (page: Page) => Promise<void>,
): Promise<{ client: Client; provider: TestOAuthClient }> {
  const provider = new TestOAuthClient();
  const first = new Client({ name: 'federation-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.authorizationUrl?.pathname).toBe('/oauth/authorize');
  await page.goto(provider.authorizationUrl!.href);
  await signIn(page);
  // The consent page names the client and where the code goes.
  await expect(page.locator('#redirect-uri').textContent()).resolves.toBe(REDIRECT_URL);
  await expect(page.locator('h1').textContent()).resolves.toContain('mcp-warden e2e');
  await page.getByRole('button', { name: 'Approve' }).click();
  const callback = await backAtClient(page, callbacks);
  expect(callback.searchParams.get('error')).toBeNull();
  await transport.finishAuth(callback.searchParams);
  const client = new Client({ name: 'federation-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  return { client, provider };
}

describe.each(FRAMEWORKS)('sign-in through a fake GitHub, server on %s', (framework) => {
  let github: FakeGitHub;
  let server: ServerProcess;
  let mcpUrl: string;
  let issuer: string;

  beforeAll(async () => {
    github = await startFakeGitHub([
      { id: 583231, login: 'octocat', name: 'The Octocat', email: 'octocat@example.com', orgs: ['github'] },
      { id: 1001, login: 'hubot', name: 'Hubot', email: 'hubot@example.net', orgs: ['acme'] },
      { id: 666, login: 'mallory', name: 'Mallory', email: 'mallory@example.org', orgs: ['evil'] },
    ]);
    const port = await freePort();
    issuer = `http://localhost:${port}`;
    mcpUrl = `${issuer}/mcp`;
    server = await startServerProcess({
      timeoutMs: 60_000,
      env: {
        PORT: String(port),
        MCP_HTTP_FRAMEWORK: framework,
        ...github.upstreamEnv,
        MCP_ALLOWED_USERS: 'octocat, org:acme',
        MCP_AUTH_SERVER_SECRET: SECRET,
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await github?.close();
  });

  it('serves RFC 8414 metadata from its own origin, which the resource metadata names', async () => {
    const prm = (await (await fetch(`${issuer}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    expect(prm.authorization_servers).toEqual([issuer]);
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      registration_endpoint: `${issuer}/oauth/register`,
      jwks_uri: `${issuer}/oauth/jwks`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
    });
    expect(metadata.grant_types_supported).not.toContain('client_credentials');
  });

  it('the MCP client signs a GitHub user in; whoami shows the GitHub identity; a tool uses the GitHub token; refresh works', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const { client, provider } = await connectThroughBrowser(mcpUrl, page, callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as octocat' }).click();
      });
      const tokens = provider.tokens()!;
      const claims = decodeJwt(tokens.access_token);
      expect(claims).toMatchObject({
        iss: issuer,
        aud: mcpUrl,
        sub: 'github|583231',
        login: 'octocat',
        email: 'octocat@example.com',
        name: 'The Octocat',
        idp: 'github',
      });
      // No token passthrough: nothing GitHub issued reaches the MCP client.
      expect(github.issuedTokens).toHaveLength(1);
      expect(JSON.stringify(tokens)).not.toContain(github.issuedTokens[0]);

      const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
      expect(whoami).toMatchObject({
        authenticated: true,
        method: 'jwt',
        subject: 'github|583231',
        issuer,
        upstream: { idp: 'github', login: 'octocat', email: 'octocat@example.com', name: 'The Octocat' },
      });
      const profile = JSON.parse(toolText(await client.callTool({ name: 'upstream_profile', arguments: {} })));
      expect(profile).toEqual({
        provider: 'github',
        profile: { id: 583231, login: 'octocat', name: 'The Octocat', email: null },
      });
      await client.close();

      // Refresh (RFC 6749 §6) with the SDK: a new access token that works, same identity.
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
      const refreshed = await refreshAuthorization(issuer, {
        metadata,
        clientInformation: provider.clientInformation()!,
        refreshToken: tokens.refresh_token!,
        resource: new URL(mcpUrl),
      });
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(decodeJwt(refreshed.access_token)).toMatchObject({ sub: 'github|583231', aud: mcpUrl, login: 'octocat' });
      provider.saveTokens(refreshed);
      const again = new Client({ name: 'federation-e2e', version: '1.0.0' });
      await again.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
      const after = JSON.parse(toolText(await again.callTool({ name: 'whoami', arguments: {} })));
      expect(after.subject).toBe('github|583231');
      await again.close();
    } finally {
      await context.close();
    }
  });

  it('a member of an allowed organization is let in; a user outside the allowlist gets access_denied, not a code', async () => {
    const member = await userBrowser();
    try {
      const { client } = await connectThroughBrowser(mcpUrl, member.page, member.callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as hubot' }).click();
      });
      const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
      expect(whoami.upstream).toMatchObject({ login: 'hubot' });
      await client.close();
    } finally {
      await member.context.close();
    }

    const outsider = await userBrowser();
    try {
      const provider = new TestOAuthClient();
      const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
      await expect(new Client({ name: 'x', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      await outsider.page.goto(provider.authorizationUrl!.href);
      await outsider.page.getByRole('button', { name: 'Sign in as mallory' }).click();
      const callback = await backAtClient(outsider.page, outsider.callbacks);
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('error_description')).toBe('this account is not allowed to use this server');
      expect(callback.searchParams.get('code')).toBeNull();
    } finally {
      await outsider.context.close();
    }
  });

  it("a client registered by an attacker gets no code from a signed-in user's browser without the user's consent", async () => {
    const victim = await userBrowser();
    try {
      // The victim signs in once for a legitimate client: a session at the authorization server.
      const { client } = await connectThroughBrowser(mcpUrl, victim.page, victim.callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as octocat' }).click();
      });
      await client.close();

      // The attacker registers a client of its own (RFC 7591) and lures the victim's browser to it.
      const registration = await fetch(`${issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Totally legit',
          redirect_uris: ['http://127.0.0.1:7/steal'],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
        } satisfies OAuthClientMetadata),
      });
      expect(registration.status).toBe(201);
      const attacker = (await registration.json()) as { client_id: string };
      const lure = new URL(`${issuer}/oauth/authorize`);
      lure.search = new URLSearchParams({
        client_id: attacker.client_id,
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:7/steal',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'x',
        resource: mcpUrl,
      }).toString();
      const before = victim.callbacks.length;
      await victim.page.goto(lure.href);
      // The victim is signed in already, yet lands on the consent page naming the attacker's redirect URI.
      await expect(victim.page.locator('#redirect-uri').textContent()).resolves.toBe('http://127.0.0.1:7/steal');
      expect(victim.callbacks.length).toBe(before);

      // A forged approval: the victim's cookies (as a cross-site form post would carry them at
      // worst), but not the form's anti-forgery token, which no other origin can read.
      const action = await victim.page.locator('form').getAttribute('action');
      const cookies = (await victim.context.cookies(new URL(action!, issuer).href))
        .map((c) => `${c.name}=${c.value}`)
        .join('; ');
      const forgedResponse = await fetch(new URL(action!, issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
        body: 'decision=approve',
        redirect: 'manual',
      });
      const forged = { status: forgedResponse.status, body: await forgedResponse.text() };
      expect(forged.status, forged.body).toBe(403);
      expect(JSON.parse(forged.body)).toMatchObject({ error: 'access_denied' });
      expect(victim.callbacks.length).toBe(before);

      // The victim denies: the attacker gets access_denied and no code.
      await victim.page.getByRole('button', { name: 'Deny' }).click();
      const answer = await backAtClient(victim.page, victim.callbacks);
      expect(answer.href.startsWith('http://127.0.0.1:7/steal')).toBe(true);
      expect(answer.searchParams.get('error')).toBe('access_denied');
      expect(answer.searchParams.get('code')).toBeNull();
    } finally {
      await victim.context.close();
    }
  });
});

describe.each(FRAMEWORKS)('sign-in through an OpenID provider (a second oidc-provider), server on %s', (framework) => {
  let upstream: DevIssuer;
  let server: ServerProcess;
  let mcpUrl: string;
  let issuer: string;
  let documentServer: Server;
  let documentUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://localhost:${port}`;
    mcpUrl = `${issuer}/mcp`;
    const clientSecret = randomBytes(24).toString('base64url');
    upstream = await createDevIssuer({
      user: { id: 'alice-0001', name: 'Alice Example', email: 'alice@example.com' },
      clients: [
        {
          clientId: 'mcp-warden-federation',
          clientSecret,
          grantTypes: ['authorization_code', 'refresh_token'],
          redirectUris: [`${issuer}/oauth/callback`],
          tokenEndpointAuthMethod: 'client_secret_basic',
        },
      ],
    });
    server = await startServerProcess({
      timeoutMs: 60_000,
      env: {
        PORT: String(port),
        MCP_HTTP_FRAMEWORK: framework,
        MCP_UPSTREAM_PROVIDER: 'oidc',
        MCP_UPSTREAM_ISSUER: upstream.issuer,
        MCP_UPSTREAM_CLIENT_ID: 'mcp-warden-federation',
        MCP_UPSTREAM_CLIENT_SECRET: clientSecret,
        MCP_ALLOWED_USERS: '@example.com',
        MCP_AUTH_SERVER_SECRET: SECRET,
      },
    });
    // A Client ID Metadata Document the MCP client serves itself, on this machine.
    documentServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: 'mcp-warden e2e',
          redirect_uris: [REDIRECT_URL],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
    documentUrl = `http://127.0.0.1:${(documentServer.address() as AddressInfo).port}/client.json`;
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
    await new Promise<void>((resolve) => (documentServer ? documentServer.close(() => resolve()) : resolve()));
  });

  it('the MCP client (dynamic registration) signs in at the OpenID provider; the token carries its identity', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const { client } = await connectThroughBrowser(mcpUrl, page, callbacks, async (at) => {
        await at.getByRole('button', { name: 'Approve' }).click();
      });
      const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
      expect(whoami).toMatchObject({
        subject: 'oidc|alice-0001',
        upstream: { idp: 'oidc', email: 'alice@example.com', name: 'Alice Example' },
      });
      await client.close();
    } finally {
      await context.close();
    }
  });

  it('a client named by its Client ID Metadata Document gets the consent page naming it, then a token', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
        authorization_endpoint: string;
        token_endpoint: string;
      };
      const verifier = randomBytes(32).toString('base64url');
      const { createHash } = await import('node:crypto');
      const authorize = new URL(metadata.authorization_endpoint);
      authorize.search = new URLSearchParams({
        client_id: documentUrl,
        response_type: 'code',
        redirect_uri: REDIRECT_URL,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'cimd',
        resource: mcpUrl,
      }).toString();
      await page.goto(authorize.href);
      await page.getByRole('button', { name: 'Approve' }).click(); // at the OpenID provider
      await expect(page.locator('#redirect-uri').textContent()).resolves.toBe(REDIRECT_URL);
      await page.getByRole('button', { name: 'Approve' }).click(); // consent
      const callback = await backAtClient(page, callbacks);
      const token = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: REDIRECT_URL,
          code_verifier: verifier,
          client_id: documentUrl,
        }),
      });
      expect(token.status).toBe(200);
      const body = (await token.json()) as { access_token: string };
      expect(decodeJwt(body.access_token)).toMatchObject({
        client_id: documentUrl,
        sub: 'oidc|alice-0001',
        aud: mcpUrl,
      });
    } finally {
      await context.close();
    }
  });
});

describe('an expiring upstream token (GitHub App user tokens)', () => {
  let github: FakeGitHub;
  let server: ServerProcess;
  let mcpUrl: string;

  beforeAll(async () => {
    github = await startFakeGitHub(
      [{ id: 583231, login: 'octocat', name: 'The Octocat', email: 'octocat@example.com', orgs: [] }],
      { expiring: true },
    );
    const port = await freePort();
    mcpUrl = `http://localhost:${port}/mcp`;
    server = await startServerProcess({
      timeoutMs: 60_000,
      env: {
        PORT: String(port),
        ...github.upstreamEnv,
        MCP_ALLOWED_USERS: 'octocat',
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await github?.close();
  });

  it('is refreshed server-side before a tool uses it, and the new one is kept', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const { client } = await connectThroughBrowser(mcpUrl, page, callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as octocat' }).click();
      });
      expect(github.refreshes).toBe(0);
      for (let call = 1; call <= 2; call++) {
        const profile = JSON.parse(toolText(await client.callTool({ name: 'upstream_profile', arguments: {} })));
        expect(profile.profile.login).toBe('octocat');
        // Each refresh used the refresh token the previous one returned (rotation), none was refused.
        expect(github.refreshes).toBe(call);
      }
      expect(github.refusals).toBe(0);
      await client.close();
    } finally {
      await context.close();
    }
  });

  it('SIGHUP rotates the signing key: new tokens carry the new key and verify, earlier ones keep working', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const { client, provider } = await connectThroughBrowser(mcpUrl, page, callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as octocat' }).click();
      });
      await client.close();
      const before = provider.tokens()!;
      // The first verification loads the keys; an unknown kid may look again one second later.
      expect((await whoamiWith(before.access_token)).subject).toBe('github|583231');
      const loadedAt = Date.now();

      process.kill(server.pid, 'SIGHUP');
      await expect.poll(() => server.output(), { timeout: 30_000 }).toContain('signing key rotated');
      const issuer = new URL(mcpUrl).origin;
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
      const after = await refreshAuthorization(issuer, {
        metadata,
        clientInformation: provider.clientInformation()!,
        refreshToken: before.refresh_token!,
        resource: new URL(mcpUrl),
      });
      expect(decodeProtectedHeader(after.access_token).kid).not.toBe(decodeProtectedHeader(before.access_token).kid);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, loadedAt + 1500 - Date.now())));
      expect((await whoamiWith(after.access_token)).subject).toBe('github|583231');
      // Nobody is logged out: the previous key stays published.
      expect((await whoamiWith(before.access_token)).subject).toBe('github|583231');
    } finally {
      await context.close();
    }
  });

  /** `whoami` through the official client holding `accessToken`. */
  async function whoamiWith(accessToken: string): Promise<{ subject: string }> {
    const holder = new TestOAuthClient();
    holder.saveTokens({ access_token: accessToken, token_type: 'Bearer' });
    const client = new Client({ name: 'federation-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: holder }));
    try {
      return JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    } finally {
      await client.close();
    }
  }
});

/** A round-robin HTTP load balancer in front of `targets`: each request goes to the next one. */
async function roundRobin(
  targets: number[],
): Promise<{ port: number; served: number[]; paths: string[]; close(): Promise<void> }> {
  const served = targets.map(() => 0);
  const paths: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const index = next++ % targets.length;
    served[index]! += 1;
    paths.push(new URL(req.url ?? '/', 'http://balancer').pathname);
    const upstream = request(
      { host: '127.0.0.1', port: targets[index], method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    served,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('two instances on one Redis behind a load balancer serve one user', () => {
  let redis: RedisServer;
  let github: FakeGitHub;
  let balancer: Awaited<ReturnType<typeof roundRobin>>;
  const instances: ServerProcess[] = [];
  let mcpUrl: string;
  let issuer: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    // Expiring, rotating upstream tokens (GitHub App user tokens): every tool call refreshes first.
    github = await startFakeGitHub(
      [{ id: 583231, login: 'octocat', name: 'The Octocat', email: 'octocat@example.com', orgs: [] }],
      { expiring: true },
    );
    const ports = [await freePort(), await freePort()];
    balancer = await roundRobin(ports);
    issuer = `http://localhost:${balancer.port}`;
    mcpUrl = `${issuer}/mcp`;
    const keysFile = join(mkdtempSync(join(tmpdir(), 'federation-keys-')), 'signing-keys.json');
    // One after the other: the first creates the signing keys file, the second reads it.
    for (const [index, port] of ports.entries()) {
      instances.push(
        await startServerProcess({
          timeoutMs: 60_000,
          env: {
            PORT: String(port),
            MCP_HTTP_FRAMEWORK: FRAMEWORKS[index]!,
            MCP_RESOURCE_URL: mcpUrl,
            MCP_REDIS_URL: redis.url,
            // A loaded CI machine can stall a process past the 1 s default; this test is about
            // coordination between instances, not Redis latency.
            MCP_REDIS_TIMEOUT: '10',
            ...github.upstreamEnv,
            MCP_ALLOWED_USERS: 'octocat',
            MCP_AUTH_SERVER_SECRET: SECRET,
            MCP_AUTH_SERVER_KEYS_FILE: keysFile,
          },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await balancer?.close();
    await github?.close();
    await redis?.kill();
  });

  it('registration, sign-in, consent, code, refresh and the upstream token work whichever instance answers', async () => {
    const { context, page, callbacks } = await userBrowser();
    try {
      const { client, provider } = await connectThroughBrowser(mcpUrl, page, callbacks, async (at) => {
        await at.getByRole('button', { name: 'Sign in as octocat' }).click();
      });
      for (let call = 0; call < 4; call++) {
        const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
        expect(whoami).toMatchObject({ subject: 'github|583231', upstream: { login: 'octocat' } });
        const profile = JSON.parse(toolText(await client.callTool({ name: 'upstream_profile', arguments: {} })));
        expect(profile.profile.login).toBe('octocat');
      }
      // Two tool calls at once reach the two instances (round robin) and both need a refresh: one
      // instance refreshes, the other waits for the token it stores. A second use of the rotated
      // refresh token would be refused upstream. (A call that starts only after the other has
      // stored its token refreshes that one in turn: these tokens are always near expiry.)
      for (let round = 0; round < 3; round++) {
        const before = github.refreshes;
        const profiles = await Promise.all(
          [0, 1].map(async () =>
            JSON.parse(toolText(await client.callTool({ name: 'upstream_profile', arguments: {} }))),
          ),
        );
        for (const profile of profiles) expect(profile.profile.login).toBe('octocat');
        expect(github.refreshes - before).toBeGreaterThanOrEqual(1);
        expect(github.refreshes - before).toBeLessThanOrEqual(2);
        expect(github.refusals).toBe(0);
      }
      expect(github.refusals).toBe(0);
      await client.close();
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
      const refreshed = await refreshAuthorization(issuer, {
        metadata,
        clientInformation: provider.clientInformation()!,
        refreshToken: provider.tokens()!.refresh_token!,
        resource: new URL(mcpUrl),
      });
      expect(decodeJwt(refreshed.access_token)).toMatchObject({ sub: 'github|583231', aud: mcpUrl });
      // Both instances took part, in every step of the flow.
      expect(balancer.served.every((count) => count >= 5)).toBe(true);
      // Each instance verified the tokens with its own keys from memory: none fetched the JWKS
      // through the public URL, which a host behind a proxy or NAT often cannot reach.
      expect(balancer.paths).not.toContain('/oauth/jwks');
    } finally {
      await context.close();
    }
  });
});

describe('start-up checks of the authorization server settings', () => {
  it('lists every problem under its variable', async () => {
    const { code, output } = await runUntilExit({
      MCP_UPSTREAM_PROVIDER: 'gitlab',
      MCP_UPSTREAM_ISSUER: 'http://idp.example.com',
      MCP_ALLOWED_USERS: 'org:acme, not an email@',
      MCP_AUTH_SERVER_SECRET: 'short',
    });
    expect(code).toBe(1);
    expect(output).toContain('MCP_UPSTREAM_PROVIDER');
    expect(output).toContain('must be github, google or oidc, not "gitlab"');
    expect(output).toContain('MCP_UPSTREAM_CLIENT_ID');
    expect(output).toContain('MCP_UPSTREAM_CLIENT_SECRET');
    expect(output).toContain('MCP_UPSTREAM_ISSUER');
    expect(output).toContain('must use https');
    expect(output).toContain('MCP_ALLOWED_USERS');
    expect(output).toContain('MCP_AUTH_SERVER_SECRET');
    expect(output).not.toContain('short');
  });

  it('refuses to start without an allowlist', async () => {
    const { code, output } = await runUntilExit({
      MCP_UPSTREAM_PROVIDER: 'github',
      MCP_UPSTREAM_CLIENT_ID: 'id',
      MCP_UPSTREAM_CLIENT_SECRET: 'secret',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/MCP_ALLOWED_USERS.*is required/);
  });
});

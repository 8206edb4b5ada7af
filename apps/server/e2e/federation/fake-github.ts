/**
 * A stand-in for GitHub on loopback, speaking what the authorization server uses of it: the OAuth
 * web flow (authorize with PKCE S256, token exchange with the app's client secret) and the REST
 * endpoints `/user`, `/user/emails` and `/user/orgs` under a GitHub Enterprise-style `/api/v3`.
 * Its sign-in page is a form per known user, so a browser test clicks "Sign in as …".
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGitHubUser {
  id: number;
  login: string;
  name: string;
  /** Verified primary address (listed by /user/emails). */
  email: string;
  orgs: string[];
}

export interface FakeGitHub {
  url: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userApi: string;
  clientId: string;
  clientSecret: string;
  /** The reference server's settings that make this its upstream provider. */
  upstreamEnv: Record<string, string>;
  /** Every access token it issued, to prove none reaches an MCP client. */
  issuedTokens: string[];
  /** How many token requests were refused (wrong secret, PKCE, code reuse). */
  refusals: number;
  /** How many refresh token grants it answered. */
  refreshes: number;
  close(): Promise<void>;
}

interface PendingAuthorization {
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scope: string;
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * `expiring`: tokens as a GitHub App's user tokens are, with `expires_in` and a refresh token
 * (here 30 s, below the server's refresh margin, so every use refreshes first).
 */
export async function startFakeGitHub(
  users: FakeGitHubUser[],
  options: { expiring?: boolean } = {},
): Promise<FakeGitHub> {
  const clientId = 'Iv1.fakegithubapp';
  const clientSecret = randomBytes(20).toString('hex');
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, PendingAuthorization & { login: string }>();
  const tokens = new Map<string, FakeGitHubUser>();
  const state = { issuedTokens: [] as string[], refusals: 0, refreshes: 0 };
  const refreshTokens = new Map<string, FakeGitHubUser>();
  const issue = (res: ServerResponse, user: FakeGitHubUser, scope: string) => {
    const accessToken = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(accessToken, user);
    state.issuedTokens.push(accessToken);
    if (!options.expiring) return json(res, 200, { access_token: accessToken, token_type: 'bearer', scope });
    const refreshToken = `ghr_${randomBytes(18).toString('hex')}`;
    refreshTokens.set(refreshToken, user);
    return json(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      scope,
      expires_in: 30,
      refresh_token: refreshToken,
    });
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== clientId || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
        return json(res, 400, { error: 'invalid_request' });
      }
      const id = randomBytes(8).toString('hex');
      pending.set(id, {
        redirectUri: p.get('redirect_uri') ?? '',
        state: p.get('state') ?? '',
        codeChallenge: p.get('code_challenge') ?? '',
        scope: p.get('scope') ?? '',
      });
      const buttons = users
        .map((user) => `<button type="submit" name="login" value="${user.login}">Sign in as ${user.login}</button>`)
        .join('\n');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>Sign in to GitHub</title><h1>Sign in to GitHub</h1>
<form method="post" action="/login/oauth/authorize/confirm"><input type="hidden" name="request" value="${id}">${buttons}</form>`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/authorize/confirm') {
      const form = await readBody(req);
      const request = pending.get(form.get('request') ?? '');
      pending.delete(form.get('request') ?? '');
      if (!request) return json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      codes.set(code, { ...request, login: form.get('login') ?? '' });
      const target = new URL(request.redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', request.state);
      res.writeHead(302, { location: target.href });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = await readBody(req);
      if (form.get('grant_type') === 'refresh_token') {
        const owner = refreshTokens.get(form.get('refresh_token') ?? '');
        refreshTokens.delete(form.get('refresh_token') ?? '');
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret || !owner) {
          state.refusals += 1;
          return json(res, 400, { error: 'bad_refresh_token' });
        }
        state.refreshes += 1;
        return issue(res, owner, 'read:user');
      }
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        form.get('client_id') !== clientId ||
        form.get('client_secret') !== clientSecret ||
        !code ||
        code.redirectUri !== form.get('redirect_uri') ||
        code.codeChallenge !== challenge
      ) {
        state.refusals += 1;
        // GitHub answers token errors with HTTP 200 and an error body; a 400 is what a strict
        // OAuth server sends, and openid-client handles both.
        return json(res, 400, { error: 'bad_verification_code' });
      }
      const user = users.find((candidate) => candidate.login === code.login);
      if (!user) return json(res, 400, { error: 'bad_verification_code' });
      return issue(res, user, code.scope.replace(/ /g, ','));
    }
    const authorization = req.headers.authorization ?? '';
    const user = tokens.get(authorization.replace(/^(Bearer|token) /i, ''));
    if (req.method === 'GET' && url.pathname.startsWith('/api/v3/user')) {
      if (!user) return json(res, 401, { message: 'Bad credentials' });
      if (url.pathname === '/api/v3/user') {
        return json(res, 200, { id: user.id, login: user.login, name: user.name, email: null });
      }
      if (url.pathname === '/api/v3/user/emails') {
        return json(res, 200, [
          { email: `${user.login}@users.noreply.example`, primary: false, verified: true },
          { email: user.email, primary: true, verified: true },
          { email: `unverified-${user.login}@example.org`, primary: false, verified: false },
        ]);
      }
      if (url.pathname === '/api/v3/user/orgs') {
        return json(
          res,
          200,
          user.orgs.map((login, index) => ({ login, id: 1000 + index })),
        );
      }
    }
    json(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    authorizationEndpoint: `${url}/login/oauth/authorize`,
    tokenEndpoint: `${url}/login/oauth/access_token`,
    userApi: `${url}/api/v3/user`,
    clientId,
    clientSecret,
    upstreamEnv: {
      MCP_UPSTREAM_PROVIDER: 'github',
      MCP_UPSTREAM_CLIENT_ID: clientId,
      MCP_UPSTREAM_CLIENT_SECRET: clientSecret,
      MCP_UPSTREAM_AUTHORIZATION_ENDPOINT: `${url}/login/oauth/authorize`,
      MCP_UPSTREAM_TOKEN_ENDPOINT: `${url}/login/oauth/access_token`,
      MCP_UPSTREAM_USERINFO_ENDPOINT: `${url}/api/v3/user`,
    },
    get issuedTokens() {
      return state.issuedTokens;
    },
    get refusals() {
      return state.refusals;
    },
    get refreshes() {
      return state.refreshes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

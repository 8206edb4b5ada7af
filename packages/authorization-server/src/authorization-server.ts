/**
 * `createAuthorizationServer`: an MCP-ready OAuth 2.1 authorization server that hands the user's
 * sign-in to an upstream provider (GitHub, Google, any OpenID provider). Toward MCP clients it is
 * the same oidc-provider core as the development issuer (metadata, dynamic registration, Client ID
 * Metadata Documents, code + PKCE S256, resource indicators, refresh tokens, `at+jwt` access
 * tokens); toward the upstream it is an ordinary confidential client (upstream.ts). It serves no
 * port of its own: an MCP server mounts its request handler under `/oauth/` on its own origin.
 *
 * @module
 */

import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadRequestBody,
  createIssuerCore,
  type DevIssuerLogger,
  generateSigningKey,
  type IssuerCore,
  memoryAdapterFactory,
  readFormBody,
  resolveIssuerOptions,
  saveRequestedGrant,
  sendHtml,
  sendJsonError,
} from '@mcp-warden/dev-issuer';
import type Provider from 'oidc-provider';
import type { Adapter, JWK } from 'oidc-provider';
import { type AccountIdentity, AccountStore } from './accounts.js';
import { isAllowed } from './allowlist.js';
import { renderConsentPage } from './consent-page.js';
import { consentToken, deriveServerKeys, sameString } from './secrets.js';
import type { AuthorizationServerSettings } from './settings.js';
import {
  loadOrCreateSigningKeys,
  MAX_PUBLISHED_KEYS,
  type PrivateSigningKey,
  publicPart,
  readSigningKeysIfValid,
  writeSigningKeys,
} from './signing-keys-file.js';
import { createUpstream, type UpstreamChecks, type UpstreamTokens } from './upstream.js';

/** Options of {@link createAuthorizationServer}. */
export interface AuthorizationServerOptions {
  /** The issuer identifier: the origin the server is reached at, e.g. `https://mcp.example.com`. */
  issuer: string;
  /** The MCP resource URL(s) access tokens are minted for (`aud`, RFC 8707); the first is the default. */
  resources: string[];
  /** Scopes granted for those resources. */
  scopes: string[];
  /** The upstream provider, the allowlist and the server secret (`loadAuthorizationServerSettings`). */
  settings: AuthorizationServerSettings;
  /** Access token lifetime in seconds. Default 3600. */
  accessTokenTtl?: number;
  /** Storage of every oidc-provider model and of the accounts. Default: bounded memory (one instance). */
  adapter?: (model: string) => Adapter;
  /** Private signing keys, the one to sign with first. Default: one generated at start. */
  signingKeys?: (JWK & { kid: string })[];
  /**
   * A file holding the signing keys (a private JWKS): created with a new key when absent, read
   * otherwise, and rewritten by {@link AuthorizationServer.rotateKeys}. Ignored with `signingKeys`.
   * Default: `settings.signingKeysFile` (`MCP_AUTH_SERVER_KEYS_FILE`).
   */
  signingKeysFile?: string;
  /** pino-compatible logger; never receives tokens or secrets. */
  logger?: DevIssuerLogger;
  /**
   * State shared by every instance (`@mcp-warden/redis`'s store fits): with it, one instance at a
   * time refreshes a user's upstream token and the others wait for the token it stores. Providers
   * that rotate refresh tokens refuse a second use of one, and some then revoke the whole chain
   * (RFC 9700 §4.14.2), which would sign the user out upstream. Default: one instance, guarded in
   * process only.
   */
  sharedStore?: RefreshLockStore;
}

/** What {@link AuthorizationServerOptions.sharedStore} needs: a `SharedStore` of `@mcp-warden/core`. */
export interface RefreshLockStore {
  /** Stores `value` under `key` for `ttlMs` unless the key exists; true when it stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Stores `value` under `key` for `ttlMs`, replacing any earlier value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** The signed-in user's upstream access token, for a tool calling the upstream API on their behalf. */
export interface UpstreamAccessToken {
  provider: 'github' | 'google' | 'oidc';
  accessToken: string;
  tokenType: string;
  /** Epoch seconds, when the provider said. */
  expiresAt: number | undefined;
  scope: string | undefined;
  /** The upstream user API (GitHub `/user`, OpenID userinfo). */
  userApi: string | undefined;
}

/** The caller as a tool handler sees it (`AuthInfo` of the MCP SDK, as mcp-warden fills it). */
export interface CallerInfo {
  extra?: Record<string, unknown> | undefined;
}

/** A running authorization server. */
export interface AuthorizationServer {
  readonly issuer: string;
  readonly jwksUri: string;
  /** The callback to register at the upstream provider: `<issuer>/oauth/callback`. */
  readonly callbackUrl: string;
  readonly provider: 'github' | 'google' | 'oidc';
  /** The RFC 8414 metadata document. */
  metadata(): Record<string, unknown>;
  /** Whether `pathname` is served by this server (`/oauth/…`, `/.well-known/openid-configuration`). */
  handles(pathname: string): boolean;
  /** Serves one request (Node's `http` request listener). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * The upstream access token of the user a request was authenticated as, refreshed first when it
   * has expired and the provider issued a refresh token. `undefined` when the caller did not sign
   * in through this server (another issuer, an API key) or the token is gone.
   */
  upstreamToken(caller: CallerInfo | undefined): Promise<UpstreamAccessToken | undefined>;
  /**
   * Signs later tokens with a new key; previous keys stay published (up to four) so issued tokens
   * still verify. With `signingKeysFile`, the file is rewritten, new key first.
   */
  rotateKeys(): Promise<void>;
  /**
   * The public signing keys as `jwksUri` serves them (RFC 7517 §5), read from memory: a resource
   * server in the same process verifies with these instead of fetching its own public URL, which
   * a host behind a proxy or NAT often cannot reach from inside.
   */
  publicJwks(): { keys: JWK[] };
}

/** Path prefix of every endpoint, so the server shares an origin with the MCP endpoint. */
export const OAUTH_PATH_PREFIX = '/oauth/';
const INTERACTION_PREFIX = '/oauth/interaction/';
const CALLBACK_PATH = '/oauth/callback';
const INTERACTION_PATH = /^\/oauth\/interaction\/([A-Za-z0-9_-]+)(\/confirm|\/upstream)?$/;
const STATE_COOKIE = 'mcp_warden_upstream_state';
// An upstream sign-in (password, second factor, consent at the provider) gets ten minutes.
const UPSTREAM_REQUEST_TTL_SECONDS = 600;
// Refresh an upstream token this long before it expires, so a tool call does not race its expiry.
const REFRESH_MARGIN_SECONDS = 60;
// How long one instance may hold the refresh of an account (longer than the upstream request's own
// bound), how long another waits for its result, and how often it looks.
const REFRESH_LOCK_MS = 30_000;
const REFRESH_WAIT_MS = 15_000;
const REFRESH_POLL_MS = 200;

const ROUTES = {
  authorization: '/oauth/authorize',
  backchannel_authentication: '/oauth/backchannel',
  code_verification: '/oauth/device',
  challenge: '/oauth/challenge',
  device_authorization: '/oauth/device/auth',
  end_session: '/oauth/logout',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  pushed_authorization_request: '/oauth/par',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  credential: '/oauth/credential',
};

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(303, {
    location,
    'cache-control': 'no-store',
    ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
  });
  res.end();
}

/**
 * Starts the authorization server (discovering the upstream OpenID provider first, so a wrong
 * issuer fails at start-up).
 *
 * @example
 * ```ts
 * const { settings } = loadAuthorizationServerSettings(process.env);
 * const as = await createAuthorizationServer({
 *   issuer: 'https://mcp.example.com',
 *   resources: ['https://mcp.example.com/mcp'],
 *   scopes: ['mcp:tools'],
 *   settings: settings!,
 * });
 * // In the MCP server's request listener:
 * //   if (as.handles(new URL(req.url!, as.issuer).pathname)) return as.handle(req, res);
 * ```
 */
export async function createAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const { settings, logger } = options;
  const issuer = options.issuer.replace(/\/$/, '');
  const secure = issuer.startsWith('https:');
  const callbackUrl = `${issuer}${CALLBACK_PATH}`;
  const keysDerived = deriveServerKeys(settings.secret);
  if (settings.secret === undefined) {
    logger?.warn?.(
      { setting: 'MCP_AUTH_SERVER_SECRET' },
      'no MCP_AUTH_SERVER_SECRET: sessions and upstream tokens last until this process stops, and cannot be shared with other instances',
    );
  }
  const upstream = await createUpstream(settings.upstream);
  const adapterFactory = options.adapter ?? memoryAdapterFactory();
  const accounts = new AccountStore(adapterFactory, keysDerived.tokenEncryption);
  const pending = adapterFactory('UpstreamRequest');
  const wantOrganizations = settings.allowedUsers.organizations.size > 0;

  const resolved = resolveIssuerOptions({
    issuer,
    resource: options.resources,
    scopes: options.scopes,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    ...(logger ? { logger } : {}),
  });
  let keys = options.signingKeys;
  const keysFile = options.signingKeysFile ?? settings.signingKeysFile;
  if (keys === undefined && keysFile !== undefined) {
    const loaded = await loadOrCreateSigningKeys(keysFile);
    keys = loaded.keys;
    log(
      'info',
      { file: keysFile, kids: keys.map((key) => key.kid) },
      loaded.created ? 'signing key generated and saved' : 'signing keys read',
    );
  }
  keys ??= [await generateSigningKey()];

  const claimsOf = (identity: AccountIdentity): Record<string, unknown> => ({
    idp: identity.provider,
    ...(identity.login === undefined ? {} : { login: identity.login }),
    ...(identity.email === undefined ? {} : { email: identity.email, email_verified: identity.emailVerified }),
    ...(identity.name === undefined ? {} : { name: identity.name }),
  });

  async function interactions(provider: Provider, req: IncomingMessage, res: ServerResponse, pathname: string) {
    const match = INTERACTION_PATH.exec(pathname);
    if (!match) return sendJsonError(res, 404, 'not_found', 'no such page');
    const [, uid, suffix] = match;
    const confirm = suffix === '/confirm';
    const expected = confirm ? 'POST' : 'GET';
    if (req.method !== expected) {
      return sendJsonError(res, 405, 'invalid_request', `use ${expected} here`, { allow: expected });
    }
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendJsonError(
        res,
        400,
        'invalid_request',
        'this sign-in request has expired or was started in another browser; start the authorization again',
      );
    }
    // The interaction cookie (bound to this browser) decides which request is answered.
    if (details.uid !== uid) {
      return sendJsonError(res, 400, 'invalid_request', 'this page does not belong to the current sign-in');
    }
    if (suffix === '/upstream') return finishUpstream(provider, req, res, details);
    if (details.prompt.name === 'login') {
      if (confirm) return sendJsonError(res, 400, 'invalid_request', 'sign in first');
      const { url, checks } = await upstream.start(callbackUrl);
      await pending.upsert(
        checks.state,
        { uid, codeVerifier: checks.codeVerifier, nonce: checks.nonce } as never,
        UPSTREAM_REQUEST_TTL_SECONDS,
      );
      // The upstream `state` is also kept in a cookie of this browser: a callback carrying another
      // browser's state (a login CSRF, RFC 6749 §10.12) is refused before any code is redeemed.
      const stateCookie = `${STATE_COOKIE}=${checks.state}; Path=${OAUTH_PATH_PREFIX}; HttpOnly; SameSite=Lax; Max-Age=${UPSTREAM_REQUEST_TTL_SECONDS}${secure ? '; Secure' : ''}`;
      log('debug', { uid, provider: upstream.provider }, 'sign-in handed to the upstream provider');
      return redirect(res, url.href, [stateCookie]);
    }
    return consent(provider, req, res, details, uid as string, Boolean(confirm));
  }

  async function consent(
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    details: InteractionDetails,
    uid: string,
    confirm: boolean,
  ) {
    const clientId = String(details.params.client_id);
    const accountId = details.session?.accountId;
    if (!accountId) return sendJsonError(res, 400, 'invalid_request', 'sign in first');
    if (!confirm) {
      const client = await provider.Client.find(clientId);
      const identity = await accounts.identity(accountId);
      const resource = details.params.resource;
      return sendHtml(
        res,
        renderConsentPage({
          action: `${INTERACTION_PREFIX}${uid}/confirm`,
          csrf: consentToken(keysDerived.consent, uid),
          clientId,
          clientName: typeof client?.clientName === 'string' ? client.clientName : undefined,
          redirectUri: String(details.params.redirect_uri),
          user: { ...(identity ?? {}), provider: identity?.provider ?? upstream.provider },
          scopes: typeof details.params.scope === 'string' ? details.params.scope.split(' ').filter(Boolean) : [],
          resources: typeof resource === 'string' ? [resource] : Array.isArray(resource) ? resource.map(String) : [],
        }),
      );
    }
    let form: URLSearchParams;
    try {
      form = await readFormBody(req);
    } catch (error) {
      return sendJsonError(
        res,
        400,
        'invalid_request',
        error instanceof BadRequestBody ? error.message : 'the form could not be read',
      );
    }
    // The form's anti-forgery token: a page on another origin cannot read it, so cannot approve
    // in the user's name (OWASP CSRF prevention, synchronizer token).
    if (!sameString(form.get('csrf') ?? '', consentToken(keysDerived.consent, uid))) {
      return sendJsonError(res, 403, 'access_denied', 'the consent form was not submitted from this server');
    }
    const decision = form.get('decision');
    if (decision === 'deny') {
      log('info', { clientId, accountId }, 'authorization denied at the consent page');
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user denied the authorization request' },
        { mergeWithLastSubmission: false },
      );
    }
    if (decision !== 'approve')
      return sendJsonError(res, 400, 'invalid_request', 'decision must be "approve" or "deny"');
    const grantId = await saveRequestedGrant(provider, details, accountId, clientId);
    if (!grantId) return sendJsonError(res, 400, 'invalid_request', 'the grant of this request is gone; start again');
    log('info', { clientId, accountId }, 'authorization approved at the consent page');
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  // The upstream provider sends the browser back to the one fixed callback. oidc-provider's
  // interaction cookie is scoped to the interaction's own path, so the callback checks the state
  // against this browser's cookie and forwards the browser there, where the sign-in is finished.
  async function callback(_provider: Provider, req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET') return sendJsonError(res, 405, 'invalid_request', 'use GET here', { allow: 'GET' });
    const url = new URL(req.url ?? '/', issuer);
    const state = url.searchParams.get('state') ?? '';
    if (state === '' || !sameString(state, cookie(req, STATE_COOKIE) ?? '')) {
      return sendJsonError(
        res,
        400,
        'invalid_request',
        'this sign-in was not started in this browser; start the authorization again',
      );
    }
    const stored = (await pending.find(state)) as unknown as { uid: string } | undefined;
    if (!stored)
      return sendJsonError(res, 400, 'invalid_request', 'this sign-in has expired; start the authorization again');
    return redirect(res, `${INTERACTION_PREFIX}${stored.uid}/upstream${url.search}`);
  }

  async function finishUpstream(
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    details: InteractionDetails,
  ) {
    if (details.prompt.name !== 'login') return sendJsonError(res, 400, 'invalid_request', 'no sign-in is pending');
    const url = new URL(req.url ?? '/', issuer);
    const state = url.searchParams.get('state') ?? '';
    const clearCookie = `${STATE_COOKIE}=; Path=${OAUTH_PATH_PREFIX}; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
    res.setHeader('set-cookie', clearCookie);
    if (state === '' || !sameString(state, cookie(req, STATE_COOKIE) ?? '')) {
      return sendJsonError(
        res,
        400,
        'invalid_request',
        'this sign-in was not started in this browser; start the authorization again',
      );
    }
    const stored = (await pending.find(state)) as unknown as
      | { uid: string; codeVerifier: string; nonce?: string }
      | undefined;
    // One use: a replayed callback finds nothing.
    await pending.destroy(state);
    if (!stored || stored.uid !== details.uid) {
      return sendJsonError(
        res,
        400,
        'invalid_request',
        'this sign-in has expired or belongs to another request; start again',
      );
    }
    const finishWith = (error: string, description: string) =>
      provider.interactionFinished(
        req,
        res,
        { error, error_description: description },
        { mergeWithLastSubmission: false },
      );

    const upstreamError = url.searchParams.get('error');
    if (upstreamError !== null) {
      log('info', { upstreamError: upstreamError.slice(0, 64) }, 'upstream sign-in refused');
      return finishWith('access_denied', 'the sign-in at the upstream provider was not completed');
    }
    const checks: UpstreamChecks = { state, codeVerifier: stored.codeVerifier, nonce: stored.nonce };
    // The response as it arrived at the registered callback: openid-client derives the
    // redirect_uri of the token request from it (RFC 6749 §4.1.3).
    const response = new URL(`${callbackUrl}${url.search}`);
    let result: Awaited<ReturnType<typeof upstream.finish>>;
    try {
      result = await upstream.finish(response, checks, wantOrganizations);
    } catch (error) {
      log(
        'warn',
        { provider: upstream.provider, reason: (error as Error)?.message?.slice(0, 200) },
        'upstream sign-in failed',
      );
      return finishWith('access_denied', 'the sign-in at the upstream provider failed');
    }
    const { identity, tokens } = result;
    if (!isAllowed(settings.allowedUsers, identity)) {
      log('info', { sub: identity.sub, login: identity.login }, 'sign-in refused: not in MCP_ALLOWED_USERS');
      return finishWith('access_denied', 'this account is not allowed to use this server');
    }
    await accounts.save(identity, tokens);
    log('info', { sub: identity.sub, login: identity.login }, 'signed in through the upstream provider');
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: identity.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  function log(level: 'debug' | 'info' | 'warn', fields: Record<string, unknown>, message: string) {
    logger?.[level]?.(fields, message);
  }

  const core: IssuerCore = await createIssuerCore({
    issuer,
    options: resolved,
    keys,
    adapter: adapterFactory,
    cookieKeys: keysDerived.cookieKeys,
    // https: Client ID Metadata Documents are oidc-provider's (no private addresses). A server
    // whose own issuer is plain http on loopback runs on a developer's machine, where the client
    // being written serves its document locally too.
    loopbackClientMetadataDocuments: /^http:\/\/(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/.test(issuer),
    interactions,
    routes: { [CALLBACK_PATH]: callback },
    profile: {
      name: 'Authorization server',
      interactionPrefix: INTERACTION_PREFIX,
      routes: ROUTES,
      clients: [],
      // Every client acts for a user who signed in upstream; no client acts on its own.
      clientCredentials: false,
      async findAccount(sub) {
        const identity = await accounts.identity(sub);
        if (!identity) return undefined;
        return { accountId: sub, claims: () => ({ sub, ...claimsOf(identity) }) };
      },
      async extraAccessTokenClaims(accountId) {
        const identity = await accounts.identity(accountId);
        return identity ? claimsOf(identity) : undefined;
      },
    },
  });
  if (secure) core.provider().proxy = true;

  const metadata = await ownMetadata(core, issuer);
  const refreshes = new Map<string, Promise<UpstreamTokens>>();

  const refreshNow = async (sub: string, refreshToken: string): Promise<UpstreamTokens> => {
    const fresh = await upstream.refresh(refreshToken);
    await accounts.updateTokens(sub, fresh);
    return fresh;
  };

  /**
   * Refreshes `seen` (the account's tokens as last read) once across every instance sharing
   * `sharedStore`: the instance that takes the account's lock refreshes, the others wait for the
   * access token it stores.
   */
  const refreshAcrossInstances = async (
    sub: string,
    seen: UpstreamTokens,
    refreshToken: string,
  ): Promise<UpstreamTokens> => {
    const store = options.sharedStore;
    if (store === undefined) return refreshNow(sub, refreshToken);
    const lock = `upstream-refresh:${sub}`;
    const changed = async () => {
      const current = await accounts.tokens(sub);
      return current !== undefined && current.accessToken !== seen.accessToken ? current : undefined;
    };
    const deadline = Date.now() + REFRESH_WAIT_MS;
    for (;;) {
      if (await store.setIfAbsent(lock, 'refreshing', REFRESH_LOCK_MS)) {
        try {
          // Another instance may have refreshed between this instance's read and its lock.
          const done = await changed();
          if (done !== undefined) return done;
          return await refreshNow(sub, refreshToken);
        } finally {
          // Released by letting it expire at once (the store has no delete).
          await store.set(lock, 'done', 1).catch(() => undefined);
        }
      }
      // Another instance holds the lock: wait for the token it stores, or take the lock over
      // if it lets go without storing one (its refresh failed).
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, REFRESH_POLL_MS));
      const done = await changed();
      if (done !== undefined) return done;
    }
    throw new Error('another instance did not store a refreshed upstream token in time');
  };

  return {
    issuer,
    jwksUri: `${issuer}${ROUTES.jwks}`,
    callbackUrl,
    provider: upstream.provider,
    metadata: () => structuredClone(metadata),
    handles: (pathname) => pathname.startsWith(OAUTH_PATH_PREFIX) || pathname === '/.well-known/openid-configuration',
    handle: (req, res) => core.handle(req, res),
    async upstreamToken(caller) {
      const extra = caller?.extra ?? {};
      // Only a token this server issued names one of its accounts: the same `sub` from another
      // trusted issuer is someone else.
      if (extra.issuer !== issuer && extra.issuer !== `${issuer}/`) return undefined;
      const sub = typeof extra.subject === 'string' ? extra.subject : undefined;
      if (!sub) return undefined;
      let tokens = await accounts.tokens(sub);
      if (!tokens) return undefined;
      const now = Math.floor(Date.now() / 1000);
      if (tokens.expiresAt !== undefined && tokens.expiresAt - REFRESH_MARGIN_SECONDS <= now) {
        const refreshToken = tokens.refreshToken;
        if (!refreshToken) return undefined;
        // One refresh per account at a time in this process (and, with `sharedStore`, across
        // instances): providers that rotate refresh tokens refuse the second use of one.
        let refreshing = refreshes.get(sub);
        if (refreshing === undefined) {
          refreshing = refreshAcrossInstances(sub, tokens, refreshToken).finally(() => refreshes.delete(sub));
          refreshes.set(sub, refreshing);
        }
        try {
          tokens = await refreshing;
        } catch (error) {
          log('warn', { sub, reason: (error as Error)?.message?.slice(0, 200) }, 'upstream token refresh failed');
          return undefined;
        }
      }
      return {
        provider: upstream.provider,
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        expiresAt: tokens.expiresAt,
        scope: tokens.scope,
        userApi: upstream.userApi,
      };
    },
    publicJwks() {
      // Another instance sharing the keys file may have rotated (docs/providers.md, "Several
      // instances"): its new key is published here too, so its tokens verify before this
      // instance restarts. A file that cannot be read now leaves the keys in memory.
      const known = new Map((keys as PrivateSigningKey[]).map((key) => [key.kid, key]));
      if (keysFile !== undefined && options.signingKeys === undefined) {
        for (const key of readSigningKeysIfValid(keysFile)) if (!known.has(key.kid)) known.set(key.kid, key);
      }
      return { keys: [...known.values()].map(publicPart) };
    },
    async rotateKeys() {
      const key = await generateSigningKey();
      const next = [key, ...(keys as PrivateSigningKey[])].slice(0, MAX_PUBLISHED_KEYS);
      if (keysFile !== undefined && options.signingKeys === undefined) writeSigningKeys(keysFile, next);
      core.setKeys(next);
      keys = next;
      if (secure) core.provider().proxy = true;
      log('info', { kid: key.kid }, 'signing key rotated');
    },
  };
}

/**
 * The metadata document as clients of `issuer` see it, read once at start-up from the provider
 * itself over a private loopback listener (oidc-provider builds endpoint URLs from the request's
 * host, so the request names the issuer's host).
 */
async function ownMetadata(core: IssuerCore, issuer: string): Promise<Record<string, unknown>> {
  const server = createServer((req, res) => core.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const target = new URL(issuer);
  try {
    return await new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port,
          path: '/.well-known/openid-configuration',
          headers: { host: target.host, 'x-forwarded-proto': target.protocol.slice(0, -1) },
          timeout: 10_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (response.statusCode !== 200) reject(new Error(`metadata answered HTTP ${response.statusCode}`));
            else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.on('timeout', () => outgoing.destroy(new Error('metadata timed out')));
      outgoing.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

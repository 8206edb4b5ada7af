/**
 * The upstream side: this server is an ordinary OAuth client of GitHub, Google or any OpenID
 * provider, with its own pre-registered app (client id and secret), its own fixed callback, its
 * own `state` and PKCE (RFC 7636, S256). openid-client does the protocol; this module adds the
 * per-provider identity: who the user is, and what the allowlist can check.
 *
 * @module
 */
import * as oidc from 'openid-client';
import type { UpstreamSettings } from './settings.js';

/** The user as the upstream provider vouched for them. */
export interface UpstreamIdentity {
  /** This server's subject: the provider's stable user id, namespaced (`github|583231`). */
  sub: string;
  provider: UpstreamSettings['provider'];
  /** The GitHub login, or the OpenID `preferred_username` (else the email). */
  login: string | undefined;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  /** GitHub organizations, fetched only when the allowlist names one. */
  organizations: string[] | undefined;
}

/** The upstream tokens, kept server-side only. */
export interface UpstreamTokens {
  accessToken: string;
  tokenType: string;
  /** Epoch seconds, when the provider said. */
  expiresAt: number | undefined;
  refreshToken: string | undefined;
  scope: string | undefined;
}

/** What the callback must check, stored server-side between the redirect and the callback. */
export interface UpstreamChecks {
  state: string;
  codeVerifier: string;
  nonce: string | undefined;
}

/** A configured upstream provider. */
export interface Upstream {
  readonly provider: UpstreamSettings['provider'];
  /** Starts a sign-in: the URL to send the browser to, and the checks to keep for the callback. */
  start(redirectUri: string): Promise<{ url: URL; checks: UpstreamChecks }>;
  /** Finishes it: exchanges the code (state, PKCE, `iss`, ID token checked) and reads the identity. */
  finish(
    callbackUrl: URL,
    checks: UpstreamChecks,
    wantOrganizations: boolean,
  ): Promise<{ identity: UpstreamIdentity; tokens: UpstreamTokens }>;
  /** Refreshes the upstream access token, when the provider issued a refresh token. */
  refresh(refreshToken: string): Promise<UpstreamTokens>;
  /** The provider's user API, for a tool that calls it on the user's behalf. */
  readonly userApi: string | undefined;
}

const GITHUB = {
  authorization: 'https://github.com/login/oauth/authorize',
  token: 'https://github.com/login/oauth/access_token',
  user: 'https://api.github.com/user',
};
// Upstream API answers are small JSON documents; anything larger is refused, never buffered whole.
const MAX_API_BYTES = 256 * 1024;
const API_TIMEOUT_MS = 10_000;

// settings.ts admits plain http only on loopback (a provider under test on this machine).
function isLoopbackHttp(url: string | undefined): boolean {
  return url !== undefined && new URL(url).protocol === 'http:';
}

function tokensOf(response: oidc.TokenEndpointResponse): UpstreamTokens {
  const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : undefined;
  return {
    accessToken: response.access_token,
    tokenType: String(response.token_type ?? 'bearer'),
    expiresAt: expiresIn === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresIn,
    refreshToken: typeof response.refresh_token === 'string' ? response.refresh_token : undefined,
    scope: typeof response.scope === 'string' ? response.scope : undefined,
  };
}

async function readJson(response: Response, what: string): Promise<unknown> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${what} answered HTTP ${response.status}`);
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_API_BYTES) {
      await reader.cancel();
      throw new Error(`${what} answered more than ${MAX_API_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** GET `url` with the user's upstream token, bounded in time and size. */
export async function getJson(url: string, accessToken: string, what: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/vnd.github+json, application/json',
      'user-agent': 'mcp-warden-authorization-server',
    },
    redirect: 'error',
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  return readJson(response, what);
}

async function githubIdentity(
  userApi: string,
  accessToken: string,
  wantOrganizations: boolean,
): Promise<UpstreamIdentity> {
  const user = (await getJson(userApi, accessToken, 'GitHub /user')) as Record<string, unknown>;
  if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new Error('GitHub /user has no id');
  // The profile's public email may be unverified or absent; /user/emails says which are verified
  // (needs the user:email scope).
  let email: string | undefined;
  let emailVerified = false;
  try {
    const emails = (await getJson(`${userApi}/emails`, accessToken, 'GitHub /user/emails')) as unknown[];
    const primary = emails
      .filter(
        (entry): entry is { email: string; primary?: boolean; verified?: boolean } =>
          typeof (entry as { email?: unknown })?.email === 'string',
      )
      .filter((entry) => entry.verified === true)
      .sort((a, b) => Number(b.primary === true) - Number(a.primary === true))[0];
    if (primary) {
      email = primary.email;
      emailVerified = true;
    }
  } catch {
    // Without the scope (or on a GitHub Enterprise without the API) the identity has no verified email.
  }
  let organizations: string[] | undefined;
  if (wantOrganizations) {
    const orgs = (await getJson(`${userApi}/orgs?per_page=100`, accessToken, 'GitHub /user/orgs')) as unknown[];
    organizations = orgs
      .map((org) => (org as { login?: unknown })?.login)
      .filter((login): login is string => typeof login === 'string');
  }
  return {
    sub: `github|${String(user.id)}`,
    provider: 'github',
    login: typeof user.login === 'string' ? user.login : undefined,
    email,
    emailVerified,
    name: typeof user.name === 'string' ? user.name : undefined,
    organizations,
  };
}

/** Builds the upstream client; discovers the OpenID provider's metadata (`google`, `oidc`). */
export async function createUpstream(settings: UpstreamSettings): Promise<Upstream> {
  const { provider } = settings;
  let config: oidc.Configuration;
  let userApi: string | undefined;
  if (provider === 'github') {
    const authorization = settings.authorizationEndpoint ?? GITHUB.authorization;
    const token = settings.tokenEndpoint ?? GITHUB.token;
    userApi = (settings.userinfoEndpoint ?? GITHUB.user).replace(/\/$/, '');
    config = new oidc.Configuration(
      { issuer: new URL(authorization).origin, authorization_endpoint: authorization, token_endpoint: token },
      settings.clientId,
      undefined,
      oidc.ClientSecretPost(settings.clientSecret),
    );
    if (isLoopbackHttp(authorization) || isLoopbackHttp(token)) oidc.allowInsecureRequests(config);
  } else {
    const issuer = settings.issuer as string;
    const insecure = isLoopbackHttp(issuer);
    const discovered = await oidc.discovery(new URL(issuer), settings.clientId, undefined, undefined, {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    const { supportsPKCE: _supportsPKCE, ...metadata } = discovered.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    const auth =
      methods === undefined || methods.includes('client_secret_basic')
        ? oidc.ClientSecretBasic(settings.clientSecret)
        : oidc.ClientSecretPost(settings.clientSecret);
    config = new oidc.Configuration(
      {
        ...metadata,
        ...(settings.authorizationEndpoint ? { authorization_endpoint: settings.authorizationEndpoint } : {}),
        ...(settings.tokenEndpoint ? { token_endpoint: settings.tokenEndpoint } : {}),
        ...(settings.userinfoEndpoint ? { userinfo_endpoint: settings.userinfoEndpoint } : {}),
      },
      settings.clientId,
      undefined,
      auth,
    );
    if (insecure) oidc.allowInsecureRequests(config);
    userApi = config.serverMetadata().userinfo_endpoint;
  }
  const scope =
    settings.scopes?.join(' ') ?? (provider === 'github' ? 'read:user user:email read:org' : 'openid email profile');
  const openid = provider !== 'github';

  return {
    provider,
    userApi,
    async start(redirectUri) {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = openid ? oidc.randomNonce() : undefined;
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        ...(nonce ? { nonce } : {}),
      });
      return { url, checks: { state, codeVerifier, nonce } };
    },
    async finish(callbackUrl, checks, wantOrganizations) {
      const response = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        ...(checks.nonce ? { expectedNonce: checks.nonce } : {}),
        idTokenExpected: openid,
      });
      const tokens = tokensOf(response);
      if (provider === 'github') {
        return { identity: await githubIdentity(userApi as string, tokens.accessToken, wantOrganizations), tokens };
      }
      const claims = response.claims();
      if (!claims) throw new Error('the provider returned no ID token');
      let merged: Record<string, unknown> = { ...claims };
      if (userApi !== undefined && (claims.email === undefined || claims.name === undefined)) {
        // Some providers put email and name only in the userinfo response (OpenID Connect Core §5.4).
        try {
          merged = { ...(await oidc.fetchUserInfo(config, tokens.accessToken, claims.sub)), ...claims };
        } catch {
          // The ID token alone identifies the user; a userinfo endpoint that refuses this token
          // (an audience-restricted one) only costs the optional claims.
        }
      }
      const email = typeof merged.email === 'string' ? merged.email : undefined;
      return {
        identity: {
          sub: `${provider}|${claims.sub}`,
          provider,
          login: typeof merged.preferred_username === 'string' ? merged.preferred_username : email,
          email,
          emailVerified: merged.email_verified === true || merged.email_verified === 'true',
          name: typeof merged.name === 'string' ? merged.name : undefined,
          organizations: undefined,
        },
        tokens,
      };
    },
    async refresh(refreshToken) {
      const response = await oidc.refreshTokenGrant(config, refreshToken);
      const tokens = tokensOf(response);
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    },
  };
}

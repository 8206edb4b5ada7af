/**
 * The oidc-provider configuration behind the development issuer: OAuth 2.1 profile (code flow with
 * S256 PKCE required, no implicit), open dynamic client registration (RFC 7591), client
 * credentials, refresh tokens, resource indicators (RFC 8707) so access tokens are audience-bound,
 * DPoP (RFC 9449) so they can be bound to the client's key, introspection (RFC 7662) and
 * revocation (RFC 7009). Every oidc-provider default that would print a
 * "you SHOULD/MUST change this" notice is set explicitly here, so a running issuer stays quiet.
 *
 * @module
 */
import type {
  Account,
  AdapterFactory,
  ClientMetadata,
  Configuration,
  JWK,
  KoaContextWithOIDC,
  errors as OidcErrors,
} from 'oidc-provider';
import { escapeHtml } from './html.js';
import type { IssuerProfile } from './issuer-profile.js';
import { log } from './logger.js';
import type { ResolvedDevIssuerOptions } from './options.js';
import { SIGNING_ALGORITHM } from './signing-key.js';

/** Everything the configuration needs besides the options. */
export interface ProviderConfigurationInput {
  options: ResolvedDevIssuerOptions;
  /** Private signing keys, the one to sign with first. */
  keys: (JWK & { kid: string })[];
  adapter: AdapterFactory;
  cookieKeys: string[];
  errors: typeof OidcErrors;
  /** What the server built on this configuration decides for itself (issuer-core.ts). */
  profile?: IssuerProfile;
}

// Scopes oidc-provider understands on its own (OpenID Connect); every other scope must be configured.
const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'];
const DAY = 24 * 60 * 60;
/** The DPoP proof algorithms the issuer accepts at its token endpoint (RFC 9449 §5.1). */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;

/** Removes one trailing slash, so `https://host/mcp/` and `https://host/mcp` name the same resource (RFC 8707 §2). */
function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** The client metadata of the always-present client and of the pre-registered ones. */
export function staticClients(options: ResolvedDevIssuerOptions): ClientMetadata[] {
  const devClient: ClientMetadata = {
    client_id: options.devClient.clientId,
    client_secret: options.devClient.clientSecret,
    client_name: 'mcp-warden development client',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: options.scopes.join(' '),
  };
  const configured = options.clients.map((client): ClientMetadata => {
    const usesCode = client.grantTypes.includes('authorization_code');
    return {
      client_id: client.clientId,
      ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
      grant_types: client.grantTypes,
      response_types: usesCode ? ['code'] : [],
      redirect_uris: client.redirectUris,
      token_endpoint_auth_method:
        client.clientSecret === undefined ? 'none' : (client.tokenEndpointAuthMethod ?? 'client_secret_basic'),
      ...(client.scope === undefined ? {} : { scope: client.scope }),
    };
  });
  return [devClient, ...configured];
}

/** Builds the configuration for one provider instance (a key rotation builds a new one). */
export function providerConfiguration(input: ProviderConfigurationInput): Configuration {
  const { options, keys, errors } = input;
  const profile = input.profile ?? {};
  const { logger } = options;
  const signingKid = keys[0]?.kid;
  const knownScopes = new Set([...OIDC_SCOPES, ...options.scopes]);
  const resourceByIdentifier = new Map<string, string>();
  for (const resource of options.resources) resourceByIdentifier.set(withoutTrailingSlash(resource), resource);
  const defaultResource = options.resources[0];

  // RFC 6749 §3.3 lets a server ignore unknown scopes; oidc-provider does. A development issuer
  // that silently drops a misspelt scope hides the very mistake a developer is testing for, so any
  // scope it does not know is refused with invalid_scope.
  function refuseUnknownScopes(ctx: KoaContextWithOIDC): void {
    const requested = ctx.oidc.params?.scope;
    if (typeof requested !== 'string') return;
    const unknown = requested.split(' ').filter((scope) => scope !== '' && !knownScopes.has(scope));
    if (unknown.length > 0) {
      throw new errors.InvalidScope(`requested scope is not supported: ${unknown.join(' ')}`, unknown.join(' '));
    }
  }

  // RFC 6749 §3.3: without a scope parameter the server either fails or uses a documented default.
  // oidc-provider would grant nothing (and then deny the authorization), which breaks MCP clients
  // that send no scope when the server advertises none. The default is every configured scope the
  // client may use. It applies to new authorizations and client credentials requests only; a
  // refresh without scope keeps the scope originally granted (RFC 6749 §6).
  function applyDefaultScope(ctx: KoaContextWithOIDC): void {
    const params = ctx.oidc.params as Record<string, unknown> | undefined;
    if (!params || params.scope !== undefined) return;
    const route = ctx.oidc.route;
    const isNewGrant =
      route === 'authorization' ||
      route === 'pushed_authorization_request' ||
      (route === 'token' && params.grant_type === 'client_credentials');
    if (!isNewGrant) return;
    const allowed = typeof ctx.oidc.client?.scope === 'string' ? new Set(ctx.oidc.client.scope.split(' ')) : undefined;
    const scope = options.scopes.filter((candidate) => !allowed || allowed.has(candidate)).join(' ');
    if (scope) params.scope = scope;
  }

  const user = options.user;
  const account: Account = {
    accountId: user.id,
    claims: () => ({
      sub: user.id,
      ...(user.name === undefined ? {} : { name: user.name }),
      ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
    }),
  };

  return {
    adapter: input.adapter,
    jwks: { keys },
    clients: profile.clients ?? staticClients(options),
    ...(profile.routes ? { routes: profile.routes } : {}),
    cookies: { keys: input.cookieKeys },
    // OAuth 2.1 §4.1: the code flow only; implicit and hybrid response types are not offered.
    responseTypes: ['code'],
    scopes: [...OIDC_SCOPES, ...options.scopes],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    findAccount: profile.findAccount
      ? (_ctx, sub) => profile.findAccount?.(sub)
      : (_ctx, sub) => (sub === user.id ? account : undefined),
    // OAuth 2.1 §4.1.1 and MCP authorization: PKCE for every client, S256 being the only method
    // oidc-provider v9 implements.
    pkce: { required: () => true },
    interactions: {
      url: (_ctx, interaction) => `${profile.interactionPrefix ?? '/interaction/'}${interaction.uid}`,
    },
    // Refresh tokens for every client allowed the refresh_token grant, without the OpenID
    // `offline_access` scope dance that MCP clients do not perform.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Tokens outlive the browser session at the issuer: an MCP client keeps working after the
    // developer's session cookie is gone.
    expiresWithSession: () => false,
    // A development server used by browser-based clients (MCP Inspector): every origin may call it.
    clientBasedCORS: () => true,
    extraTokenClaims: async (_ctx, token) => {
      // A client acting on its own behalf is the subject of its token (RFC 9068 §2.2). The JWT
      // format already does this; for opaque tokens it makes introspection report the same `sub`.
      if (token.kind === 'ClientCredentials') return { sub: token.clientId };
      const accountId = (token as { accountId?: string }).accountId;
      return accountId && profile.extraAccessTokenClaims ? profile.extraAccessTokenClaims(accountId) : undefined;
    },
    extraClientMetadata: {
      // RFC 7591 §2 fields MCP clients send; recognized so they are kept rather than dropped.
      properties: ['software_id', 'software_version'],
      validator(ctx, key, value, metadata) {
        if (value !== undefined && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata(`${key} must be a string`);
        }
        // RFC 7591 §2 defaults response_types to ["code"], which then demands redirect_uris. A
        // client registering only for client_credentials (a service, a test) does not send
        // response_types at all; treat its omission as "none" instead of refusing the client.
        if (key === 'software_id' && ctx?.oidc?.route === 'registration') {
          const body = ctx.oidc.body as Record<string, unknown> | undefined;
          const grantTypes = body?.grant_types;
          if (
            body?.response_types === undefined &&
            Array.isArray(grantTypes) &&
            grantTypes.length > 0 &&
            !grantTypes.includes('authorization_code') &&
            !grantTypes.includes('implicit')
          ) {
            metadata.response_types = [];
          }
        }
      },
    },
    // RFC 9449 §5.1 `dpop_signing_alg_values_supported`: what mcp-warden accepts by default
    // (MCP_DPOP_ALGORITHMS), so a client picking any advertised algorithm works end to end.
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_SIGNING_ALGORITHMS] },
    features: {
      devInteractions: { enabled: false },
      // RFC 9449: a token request carrying a DPoP proof gets a token bound to the proof's key
      // (`token_type: DPoP`, `cnf.jkt` in the JWT and in introspection), for every grant; one
      // without a proof gets a Bearer token as before. mcp-warden checks the binding.
      dPoP: { enabled: true },
      clientCredentials: { enabled: profile.clientCredentials ?? true },
      // RFC 7591: open registration, no initial access token, as MCP clients expect.
      registration: { enabled: true, initialAccessToken: false },
      // Client ID Metadata Documents (MCP 2025-11-25 authorization): an https: URL as client_id
      // is fetched and checked by oidc-provider (5 KiB, 2.5 s, no redirects, no private
      // addresses), and the metadata says client_id_metadata_document_supported. Loopback http:
      // documents are this issuer's addition (client-metadata-document.ts). No `ack`: the notice
      // about the experimental draft goes to the debug log, and a later draft of it in an
      // oidc-provider update must not stop the issuer from starting.
      clientIdMetadataDocument: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §2.1: the caller must be authorized. Any confidential client may introspect
        // (a resource server); a public client only its own tokens.
        allowedPolicy: (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource gets a token for the first configured one, so the token
        // always carries an audience (RFC 8707 §2) even for clients unaware of RFC 8707.
        defaultResource: (_ctx, _client, oneOf) => {
          if (typeof oneOf === 'string') return oneOf;
          if (Array.isArray(oneOf) && oneOf.length > 0) {
            return oneOf.find((identifier) => identifier === defaultResource) ?? (oneOf[0] as string);
          }
          return defaultResource as string;
        },
        // The token request may omit `resource`; the one granted at the authorization step applies.
        useGrantedResource: () => true,
        // Called once the request's resource is known, before its scopes are evaluated: the one
        // hook with the request context at that point, hence the scope checks here.
        getResourceServerInfo: (ctx, resourceIndicator) => {
          refuseUnknownScopes(ctx);
          applyDefaultScope(ctx);
          const audience = resourceByIdentifier.get(withoutTrailingSlash(resourceIndicator));
          if (audience === undefined) {
            throw new errors.InvalidTarget('the requested resource is not served by this issuer');
          }
          return {
            scope: options.scopes.join(' '),
            audience,
            accessTokenTTL: options.accessTokenTtl,
            accessTokenFormat: options.accessTokenFormat,
            ...(options.accessTokenFormat === 'jwt'
              ? { jwt: { sign: { alg: SIGNING_ALGORITHM, ...(signingKid ? { kid: signingKid } : {}) } } }
              : {}),
          };
        },
      },
    },
    ttl: {
      AccessToken: options.accessTokenTtl,
      ClientCredentials: options.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 14 * DAY,
      Interaction: 60 * 60,
      Session: 14 * DAY,
      Grant: 14 * DAY,
    },
    async renderError(ctx, out) {
      log(logger, 'debug', { event: 'render_error', error: out.error }, 'error page shown');
      ctx.type = 'html';
      ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(profile.name ?? 'Development issuer')}: error</title></head>
<body><h1>The request could not be completed</h1>
<p><strong>${escapeHtml(out.error)}</strong>${out.error_description ? `: ${escapeHtml(out.error_description)}` : ''}</p>
</body></html>`;
    },
  };
}

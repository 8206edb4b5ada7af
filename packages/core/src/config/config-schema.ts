/**
 * The configuration schema: every environment variable of docs/compatibility.md plus the ones
 * the package README lists, as one zod object whose fields (`config-fields.ts`) accept both the
 * env form (strings) and the programmatic form (typed values), so `loadConfig(env)` and
 * `defineConfig(options)` cannot drift apart. Cross-field rules live in `load-config.ts`.
 *
 * @module
 */

import { z } from 'zod';
import { type BasicAuthUser, basicAuthUsersField } from '../basic-auth/basic-auth-users.js';
import { PROVIDER_NAMES, type ProviderName } from '../presets/provider-presets.js';
import {
  algorithmListField,
  apiKeyListField,
  booleanField,
  COMMA_LIST,
  corsOriginsField,
  DISCOVER_INTROSPECTION_ENDPOINT,
  dpopAlgorithmListField,
  enumField,
  listField,
  numberField,
  optionalEnumField,
  SCOPE_LIST,
  textField,
  toolScopesField,
  urlField,
  urlOrDiscoverField,
} from './config-fields.js';
import { type TrustedIssuer, type TrustedIssuerOptions, trustedIssuersField } from './trusted-issuers.js';

/** The values of `MCP_JWT_ENGINE`. */
export const JWT_ENGINE_NAMES = ['auto', 'node', 'jose'] as const;

/** What checks JWT signatures: `auto` (node:crypto on Node.js, jose elsewhere), `node` or `jose`. */
export type JwtEngineName = (typeof JWT_ENGINE_NAMES)[number];

/** How the resource server authenticates to the introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3.1). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post';

export { DISCOVER_INTROSPECTION_ENDPOINT };

/**
 * The effective configuration: the camelCase form of every environment variable, defaults applied.
 * Build it with {@link loadConfig} (from env) or {@link defineConfig} (from code).
 */
export interface WardenConfig {
  /** `MCP_AUTH_ENABLED` (default `true`). When false every request passes as anonymous. */
  readonly authEnabled: boolean;
  /** `MCP_AUTH_REQUIRED` (default `false`). When false, requests without credentials pass as anonymous. */
  readonly authRequired: boolean;
  /** `MCP_API_KEY_ENABLED` (default `true`). */
  readonly apiKeyEnabled: boolean;
  /** `MCP_API_KEYS`: comma list; an entry may be `sha256:<64 hex>`, the digest of the key (docs/security.md). */
  readonly apiKeys: string[];
  /**
   * `MCP_BASIC_AUTH_USERS`: comma list of `user:password` or `user:sha256:<64 hex>` entries, the
   * users HTTP Basic authentication (RFC 7617) accepts; none by default (docs/authentication.md).
   */
  readonly basicAuthUsers: BasicAuthUser[];
  /** `MCP_JWT_ENABLED` (default `true`). */
  readonly jwtEnabled: boolean;
  /** `MCP_JWT_ALGORITHM` (default `RS256`; a comma list is allowed): the algorithm allowlist (RFC 8725 §3.1). */
  readonly jwtAlgorithms: string[];
  /** `MCP_JWT_SECRET`: the shared secret for HS* algorithms. */
  readonly jwtSecret?: string;
  /** `MCP_JWT_PUBLIC_KEY`: SPKI PEM, X.509 certificate PEM, JWK or JWKS; literal `\n` accepted. */
  readonly jwtPublicKey?: string;
  /** `MCP_JWT_PUBLIC_KEY_FILE`: path to a file holding one of the `jwtPublicKey` formats. */
  readonly jwtPublicKeyFile?: string;
  /** `MCP_JWT_AUDIENCE`: comma list of accepted audiences (default: `[resourceUrl]`, RFC 8707 §2). */
  readonly jwtAudience: string[];
  /** `MCP_JWT_ISSUER`: the exact expected `iss` (a trailing slash is kept and significant). */
  readonly jwtIssuer?: string;
  /** `MCP_JWT_CLOCK_TOLERANCE`: seconds of leeway for `exp`, `nbf`, `iat` (default 5, RFC 7519 §4.1.4). */
  readonly jwtClockTolerance: number;
  /** `MCP_JWT_REQUIRE_AT_JWT` (default `false`): require `typ: at+jwt` (RFC 9068, RFC 9068 §2.1). */
  readonly jwtRequireAtJwtType: boolean;
  /**
   * `MCP_JWT_ENGINE` (default `auto`): what checks JWT signatures. `auto` is `node` on Node.js and
   * `jose` elsewhere; `node` verifies with `node:crypto` (a start-up error where it is missing);
   * `jose` with jose and WebCrypto on every runtime. Both decide alike (docs/security.md).
   */
  readonly jwtEngine: JwtEngineName;
  /** `MCP_OAUTH_SERVER_URL`: the authorization server (issuer) base URL. */
  readonly oauthServerUrl?: string;
  /** `MCP_OAUTH_AUTHORIZATION_ENDPOINT`. */
  readonly oauthAuthorizationEndpoint?: string;
  /** `MCP_OAUTH_TOKEN_ENDPOINT`. */
  readonly oauthTokenEndpoint?: string;
  /** `MCP_OAUTH_REGISTRATION_ENDPOINT`. */
  readonly oauthRegistrationEndpoint?: string;
  /** `MCP_OAUTH_JWKS_URI`: where signing keys are fetched (docs/requirements.md, "Signing keys"). */
  readonly oauthJwksUri?: string;
  /**
   * `MCP_OAUTH_INTROSPECTION_ENDPOINT`: RFC 7662 introspection for opaque tokens (RFC 7662 §2.2), or
   * `discover` to read `introspection_endpoint` from the issuer's metadata on first use.
   */
  readonly oauthIntrospectionEndpoint?: string;
  /** `MCP_OAUTH_INTROSPECTION_AUTH_METHOD` (default `client_secret_basic`): how the client id and secret are sent. */
  readonly oauthIntrospectionAuthMethod: IntrospectionAuthMethod;
  /** `MCP_OAUTH_INTROSPECTION_TIMEOUT`: seconds to wait for an introspection answer (default 5). */
  readonly oauthIntrospectionTimeout: number;
  /** `MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE`: seconds an active answer is reused, never past `exp` (default 60; 0: never). */
  readonly oauthIntrospectionCacheMaxAge: number;
  /** `MCP_OAUTH_CLIENT_ID`: the resource server's client id at the authorization server (introspection). */
  readonly oauthClientId?: string;
  /** `MCP_OAUTH_CLIENT_SECRET`. */
  readonly oauthClientSecret?: string;
  /** `MCP_PROVIDER`: provider preset for the `MCP_JWT_*` issuer and introspection (claim and issuer quirks). */
  readonly provider?: ProviderName;
  /** `MCP_TRUSTED_ISSUERS`: more issuers, each with its own keys, audience and algorithms. */
  readonly trustedIssuers: TrustedIssuer[];
  /** `MCP_RESOURCE_URL`: the public URL of the MCP endpoint (default `http://localhost:$PORT/mcp`), kept exactly. */
  readonly resourceUrl: string;
  /** `MCP_RESOURCE_NAME`: human-readable name in the protected-resource metadata. */
  readonly resourceName?: string;
  /** `MCP_RESOURCE_DOCUMENTATION`: documentation URL in the protected-resource metadata. */
  readonly resourceDocumentation?: string;
  /** `MCP_REQUIRED_SCOPES`: comma or space list every request needs. */
  readonly requiredScopes: string[];
  /** `MCP_SCOPES_SUPPORTED`: advertised in metadata. */
  readonly scopesSupported: string[];
  /** `MCP_TOOL_SCOPES`: `tool=scope1 scope2;other=scope3`, extra scopes per `tools/call` (docs/requirements.md, "Step-up for tools"). */
  readonly toolScopes: Record<string, string[]>;
  /**
   * `MCP_CORS_ORIGINS`: comma list of the origins whose web pages may call the MCP endpoint
   * (`https://app.example.com`), or `*` (the default) for any origin. Credentials are headers,
   * never cookies, so `*` lends a page no authority it does not already hold (docs/security.md).
   */
  readonly corsOrigins: string[];
  /** `MCP_ALLOW_INSECURE_HTTP` (default `false`): allow `http:` URLs off loopback (development only). */
  readonly allowInsecureHttp: boolean;
  /** `MCP_TOKEN_CACHE_MAX_ENTRIES` (default 10000; 0 disables the verified-token cache). */
  readonly tokenCacheMaxEntries: number;
  /**
   * `MCP_JWKS_REFRESH_COOLDOWN` seconds (default 30): a token with an unknown `kid` refetches the
   * JWKS at most once per this window (docs/requirements.md, "Signing keys"), so random `kid`s cannot flood the provider.
   */
  readonly jwksRefreshCooldown: number;
  /**
   * `MCP_MAX_BODY_BYTES` (default 4194304, 4 MiB): the largest request body an adapter reads.
   * A longer body is refused with 413 as soon as it passes the limit, never read to the end.
   */
  readonly maxBodyBytes: number;
  /**
   * `MCP_DPOP_ENABLED` (default `true`): accept DPoP-bound access tokens (RFC 9449) presented as
   * `Authorization: DPoP <token>` with a `DPoP` proof, and offer the `DPoP` challenge. A token
   * bound to a key (`cnf.jkt`) is refused as `Bearer` whatever this says (docs/dpop.md).
   */
  readonly dpopEnabled: boolean;
  /**
   * `MCP_DPOP_REQUIRED` (default `false`): access tokens must be DPoP-bound and presented with a
   * proof; Bearer access tokens are refused (API keys are not access tokens and still work).
   * Advertised as `dpop_bound_access_tokens_required` (RFC 9728 §2).
   */
  readonly dpopRequired: boolean;
  /** `MCP_DPOP_ALGORITHMS` (default `ES256, EdDSA, RS256, PS256`): what a proof may be signed with; asymmetric only (RFC 9449 §4.2). */
  readonly dpopAlgorithms: string[];
  /** `MCP_DPOP_IAT_WINDOW` seconds (default 300): how far a proof's `iat` may lie from this server's clock, either way (RFC 9449 §4.3, §11.1). */
  readonly dpopIatWindow: number;
  /** `MCP_DPOP_NONCES` (default `false`): proofs must carry a nonce this server issued (RFC 9449 §9), answered with `use_dpop_nonce` otherwise. */
  readonly dpopNonces: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Programmatic input for {@link defineConfig} and `createAuthenticator`: any subset, same schema.
 * `trustedIssuers` entries may omit their defaults, or be plain issuer URLs.
 */
export type WardenOptions = Partial<Omit<Mutable<WardenConfig>, 'trustedIssuers' | 'basicAuthUsers'>> & {
  trustedIssuers?: readonly (TrustedIssuerOptions | TrustedIssuer | string)[];
  /** `{ user, password }`, `{ user, passwordSha256 }`, or `user:password` / `user:sha256:<hex>` strings. */
  basicAuthUsers?: readonly (BasicAuthUser | string)[];
};

/**
 * The environment variable behind each option. Every key of {@link WardenConfig} has one.
 *
 * @example
 * ```ts
 * CONFIG_ENV_VARIABLES.jwtAlgorithms; // 'MCP_JWT_ALGORITHM'
 * ```
 */
export const CONFIG_ENV_VARIABLES: Readonly<Record<keyof WardenConfig, string>> = Object.freeze({
  authEnabled: 'MCP_AUTH_ENABLED',
  authRequired: 'MCP_AUTH_REQUIRED',
  apiKeyEnabled: 'MCP_API_KEY_ENABLED',
  apiKeys: 'MCP_API_KEYS',
  basicAuthUsers: 'MCP_BASIC_AUTH_USERS',
  jwtEnabled: 'MCP_JWT_ENABLED',
  jwtAlgorithms: 'MCP_JWT_ALGORITHM',
  jwtSecret: 'MCP_JWT_SECRET',
  jwtPublicKey: 'MCP_JWT_PUBLIC_KEY',
  jwtPublicKeyFile: 'MCP_JWT_PUBLIC_KEY_FILE',
  jwtAudience: 'MCP_JWT_AUDIENCE',
  jwtIssuer: 'MCP_JWT_ISSUER',
  jwtClockTolerance: 'MCP_JWT_CLOCK_TOLERANCE',
  jwtRequireAtJwtType: 'MCP_JWT_REQUIRE_AT_JWT',
  jwtEngine: 'MCP_JWT_ENGINE',
  oauthServerUrl: 'MCP_OAUTH_SERVER_URL',
  oauthAuthorizationEndpoint: 'MCP_OAUTH_AUTHORIZATION_ENDPOINT',
  oauthTokenEndpoint: 'MCP_OAUTH_TOKEN_ENDPOINT',
  oauthRegistrationEndpoint: 'MCP_OAUTH_REGISTRATION_ENDPOINT',
  oauthJwksUri: 'MCP_OAUTH_JWKS_URI',
  oauthIntrospectionEndpoint: 'MCP_OAUTH_INTROSPECTION_ENDPOINT',
  oauthIntrospectionAuthMethod: 'MCP_OAUTH_INTROSPECTION_AUTH_METHOD',
  oauthIntrospectionTimeout: 'MCP_OAUTH_INTROSPECTION_TIMEOUT',
  oauthIntrospectionCacheMaxAge: 'MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE',
  oauthClientId: 'MCP_OAUTH_CLIENT_ID',
  oauthClientSecret: 'MCP_OAUTH_CLIENT_SECRET',
  provider: 'MCP_PROVIDER',
  trustedIssuers: 'MCP_TRUSTED_ISSUERS',
  resourceUrl: 'MCP_RESOURCE_URL',
  resourceName: 'MCP_RESOURCE_NAME',
  resourceDocumentation: 'MCP_RESOURCE_DOCUMENTATION',
  requiredScopes: 'MCP_REQUIRED_SCOPES',
  scopesSupported: 'MCP_SCOPES_SUPPORTED',
  toolScopes: 'MCP_TOOL_SCOPES',
  corsOrigins: 'MCP_CORS_ORIGINS',
  allowInsecureHttp: 'MCP_ALLOW_INSECURE_HTTP',
  tokenCacheMaxEntries: 'MCP_TOKEN_CACHE_MAX_ENTRIES',
  jwksRefreshCooldown: 'MCP_JWKS_REFRESH_COOLDOWN',
  maxBodyBytes: 'MCP_MAX_BODY_BYTES',
  dpopEnabled: 'MCP_DPOP_ENABLED',
  dpopRequired: 'MCP_DPOP_REQUIRED',
  dpopAlgorithms: 'MCP_DPOP_ALGORITHMS',
  dpopIatWindow: 'MCP_DPOP_IAT_WINDOW',
  dpopNonces: 'MCP_DPOP_NONCES',
});

/** Default of `MCP_MAX_BODY_BYTES`: 4 MiB, what `express.json()` users commonly raise their limit to. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The resource URL when `MCP_RESOURCE_URL` is not set: a local development server. */
export const DEFAULT_RESOURCE_URL = 'http://localhost:8000/mcp';

/**
 * The zod schema of every option, each field accepting the env string form or the typed form.
 * `resourceUrl` and `jwtAudience` come out unresolved here (their defaults depend on other
 * fields); {@link defineConfig} and {@link loadConfig} apply them.
 *
 * @example
 * ```ts
 * wardenConfigSchema.shape.authRequired.parse('yes'); // true
 * wardenConfigSchema.shape.jwtAlgorithms.parse('rs256, ES256'); // ['RS256', 'ES256']
 * ```
 */
export const wardenConfigSchema = z.object({
  authEnabled: booleanField(true),
  authRequired: booleanField(false),
  apiKeyEnabled: booleanField(true),
  apiKeys: apiKeyListField(),
  basicAuthUsers: basicAuthUsersField(),
  jwtEnabled: booleanField(true),
  jwtAlgorithms: algorithmListField(),
  jwtSecret: textField(true),
  jwtPublicKey: textField(),
  jwtPublicKeyFile: textField(),
  jwtAudience: listField(COMMA_LIST),
  jwtIssuer: urlField(),
  jwtClockTolerance: numberField(5, 0, 600, false),
  jwtRequireAtJwtType: booleanField(false),
  jwtEngine: enumField<JwtEngineName>(JWT_ENGINE_NAMES, 'auto'),
  oauthServerUrl: urlField(),
  oauthAuthorizationEndpoint: urlField(),
  oauthTokenEndpoint: urlField(),
  oauthRegistrationEndpoint: urlField(),
  oauthJwksUri: urlField(),
  oauthIntrospectionEndpoint: urlOrDiscoverField(),
  oauthIntrospectionAuthMethod: enumField<IntrospectionAuthMethod>(
    ['client_secret_basic', 'client_secret_post'],
    'client_secret_basic',
  ),
  oauthIntrospectionTimeout: numberField(5, 0.1, 60, false),
  oauthIntrospectionCacheMaxAge: numberField(60, 0, 3600, true),
  oauthClientId: textField(),
  oauthClientSecret: textField(true),
  provider: optionalEnumField<ProviderName>(PROVIDER_NAMES),
  trustedIssuers: trustedIssuersField(),
  resourceUrl: urlField(),
  resourceName: textField(),
  resourceDocumentation: urlField(),
  requiredScopes: listField(SCOPE_LIST),
  scopesSupported: listField(SCOPE_LIST),
  toolScopes: toolScopesField(),
  corsOrigins: corsOriginsField(),
  allowInsecureHttp: booleanField(false),
  tokenCacheMaxEntries: numberField(10_000, 0, 10_000_000, true),
  jwksRefreshCooldown: numberField(30, 0, 3600, false),
  maxBodyBytes: numberField(DEFAULT_MAX_BODY_BYTES, 1024, 1024 * 1024 * 1024, true),
  dpopEnabled: booleanField(true),
  dpopRequired: booleanField(false),
  dpopAlgorithms: dpopAlgorithmListField(),
  dpopIatWindow: numberField(300, 1, 3600, true),
  dpopNonces: booleanField(false),
});

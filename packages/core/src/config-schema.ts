/**
 * The configuration schema: every environment variable of the original description plus the
 * additions of design.md, as one zod object whose fields accept both the env form (strings) and
 * the programmatic form (typed values), so `loadConfig(env)` and `defineConfig(options)` cannot
 * drift apart. Cross-field rules live in `load-config.ts`.
 *
 * @module
 */

import { z } from 'zod';
import { serializedOrigin } from './cors-headers.js';
import { canonicalJwtAlgorithm } from './jwt-algorithms.js';
import { PROVIDER_NAMES, type ProviderName } from './provider-presets.js';
import { type TrustedIssuer, type TrustedIssuerOptions, trustedIssuersField } from './trusted-issuers.js';

/** Log levels accepted by `MCP_LOG_LEVEL` (pino's). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The web frameworks `MCP_HTTP_FRAMEWORK` may name. */
export type HttpFramework = 'hono' | 'express' | 'fastify';

/** How the resource server authenticates to the introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3.1). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * The value of `MCP_OAUTH_INTROSPECTION_ENDPOINT` that asks for the endpoint to be discovered from
 * the issuer's metadata (`introspection_endpoint`, RFC 8414 §2).
 *
 * @example
 * ```ts
 * defineConfig({ jwtIssuer: 'https://idp.example.com', oauthIntrospectionEndpoint: DISCOVER_INTROSPECTION_ENDPOINT });
 * ```
 */
export const DISCOVER_INTROSPECTION_ENDPOINT = 'discover';

/**
 * The effective configuration: the camelCase form of every environment variable, defaults applied.
 * Build it with {@link loadConfig} (from env) or {@link defineConfig} (from code).
 */
export interface WardenConfig {
  /** `MCP_AUTH_ENABLED` (default `true`). When false every request passes as anonymous. */
  authEnabled: boolean;
  /** `MCP_AUTH_REQUIRED` (default `false`). When false, requests without credentials pass as anonymous. */
  authRequired: boolean;
  /** `MCP_API_KEY_ENABLED` (default `true`). */
  apiKeyEnabled: boolean;
  /** `MCP_API_KEYS`: comma list; an entry may be `sha256:<64 hex>`, the digest of the key (R18). */
  apiKeys: string[];
  /** `MCP_JWT_ENABLED` (default `true`). */
  jwtEnabled: boolean;
  /** `MCP_JWT_ALGORITHM` (default `RS256`; a comma list is allowed): the algorithm allowlist (R12). */
  jwtAlgorithms: string[];
  /** `MCP_JWT_SECRET`: the shared secret for HS* algorithms. */
  jwtSecret?: string;
  /** `MCP_JWT_PUBLIC_KEY`: SPKI PEM, X.509 certificate PEM, JWK or JWKS; literal `\n` accepted. */
  jwtPublicKey?: string;
  /** `MCP_JWT_PUBLIC_KEY_FILE`: path to a file holding one of the `jwtPublicKey` formats. */
  jwtPublicKeyFile?: string;
  /** `MCP_JWT_AUDIENCE`: comma list of accepted audiences (default: `[resourceUrl]`, R10). */
  jwtAudience: string[];
  /** `MCP_JWT_ISSUER`: the exact expected `iss` (a trailing slash is kept and significant). */
  jwtIssuer?: string;
  /** `MCP_JWT_CLOCK_TOLERANCE`: seconds of leeway for `exp`, `nbf`, `iat` (default 5, R13). */
  jwtClockTolerance: number;
  /** `MCP_JWT_REQUIRE_AT_JWT` (default `false`): require `typ: at+jwt` (RFC 9068, R14). */
  jwtRequireAtJwtType: boolean;
  /** `MCP_OAUTH_SERVER_URL`: the authorization server (issuer) base URL. */
  oauthServerUrl?: string;
  /** `MCP_OAUTH_AUTHORIZATION_ENDPOINT`. */
  oauthAuthorizationEndpoint?: string;
  /** `MCP_OAUTH_TOKEN_ENDPOINT`. */
  oauthTokenEndpoint?: string;
  /** `MCP_OAUTH_REGISTRATION_ENDPOINT`. */
  oauthRegistrationEndpoint?: string;
  /** `MCP_OAUTH_JWKS_URI`: where signing keys are fetched (R16). */
  oauthJwksUri?: string;
  /**
   * `MCP_OAUTH_INTROSPECTION_ENDPOINT`: RFC 7662 introspection for opaque tokens (R17), or
   * `discover` to read `introspection_endpoint` from the issuer's metadata on first use.
   */
  oauthIntrospectionEndpoint?: string;
  /** `MCP_OAUTH_INTROSPECTION_AUTH_METHOD` (default `client_secret_basic`): how the client id and secret are sent. */
  oauthIntrospectionAuthMethod: IntrospectionAuthMethod;
  /** `MCP_OAUTH_INTROSPECTION_TIMEOUT`: seconds to wait for an introspection answer (default 5). */
  oauthIntrospectionTimeout: number;
  /** `MCP_OAUTH_INTROSPECTION_CACHE_MAX_AGE`: seconds an active answer is reused, never past `exp` (default 60; 0: never). */
  oauthIntrospectionCacheMaxAge: number;
  /** `MCP_OAUTH_CLIENT_ID`: the resource server's client id at the authorization server (introspection). */
  oauthClientId?: string;
  /** `MCP_OAUTH_CLIENT_SECRET`. */
  oauthClientSecret?: string;
  /** `MCP_PROVIDER`: provider preset for the `MCP_JWT_*` issuer and introspection (claim and issuer quirks). */
  provider?: ProviderName;
  /** `MCP_TRUSTED_ISSUERS`: more issuers, each with its own keys, audience and algorithms. */
  trustedIssuers: TrustedIssuer[];
  /** `MCP_RESOURCE_URL`: the public URL of the MCP endpoint (default `http://localhost:$PORT/mcp`), kept exactly. */
  resourceUrl: string;
  /** `MCP_RESOURCE_NAME`: human-readable name in the protected-resource metadata. */
  resourceName?: string;
  /** `MCP_RESOURCE_DOCUMENTATION`: documentation URL in the protected-resource metadata. */
  resourceDocumentation?: string;
  /** `MCP_REQUIRED_SCOPES`: comma or space list every request needs. */
  requiredScopes: string[];
  /** `MCP_SCOPES_SUPPORTED`: advertised in metadata. */
  scopesSupported: string[];
  /** `MCP_TOOL_SCOPES`: `tool=scope1 scope2;other=scope3`, extra scopes per `tools/call` (R7). */
  toolScopes: Record<string, string[]>;
  /**
   * `MCP_CORS_ORIGINS`: comma list of the origins whose web pages may call the MCP endpoint
   * (`https://app.example.com`), or `*` (the default) for any origin. Credentials are headers,
   * never cookies, so `*` lends a page no authority it does not already hold (docs/security.md).
   */
  corsOrigins: string[];
  /** `MCP_ALLOW_INSECURE_HTTP` (default `false`): allow `http:` URLs off loopback (development only). */
  allowInsecureHttp: boolean;
  /** `MCP_TOKEN_CACHE_MAX_ENTRIES` (default 10000; 0 disables the verified-token cache). */
  tokenCacheMaxEntries: number;
  /**
   * `MCP_JWKS_REFRESH_COOLDOWN` seconds (default 30): a token with an unknown `kid` refetches the
   * JWKS at most once per this window (R16), so random `kid`s cannot flood the provider.
   */
  jwksRefreshCooldown: number;
  /** `PORT` (default 8000). */
  port: number;
  /** `HOST` (default `127.0.0.1`). */
  host: string;
  /** `MCP_HTTP_FRAMEWORK` (default `hono`). */
  httpFramework: HttpFramework;
  /** `MCP_LOG_LEVEL` (default `info`). */
  logLevel: LogLevel;
  /** `MCP_DEV_ISSUER`: force the embedded development issuer on or off; unset means automatic. */
  devIssuer: boolean | undefined;
}

/**
 * Programmatic input for {@link defineConfig} and `createAuthenticator`: any subset, same schema.
 * `trustedIssuers` entries may omit their defaults, or be plain issuer URLs.
 */
export type WardenOptions = Partial<Omit<WardenConfig, 'trustedIssuers'>> & {
  trustedIssuers?: readonly (TrustedIssuerOptions | TrustedIssuer | string)[];
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
  jwtEnabled: 'MCP_JWT_ENABLED',
  jwtAlgorithms: 'MCP_JWT_ALGORITHM',
  jwtSecret: 'MCP_JWT_SECRET',
  jwtPublicKey: 'MCP_JWT_PUBLIC_KEY',
  jwtPublicKeyFile: 'MCP_JWT_PUBLIC_KEY_FILE',
  jwtAudience: 'MCP_JWT_AUDIENCE',
  jwtIssuer: 'MCP_JWT_ISSUER',
  jwtClockTolerance: 'MCP_JWT_CLOCK_TOLERANCE',
  jwtRequireAtJwtType: 'MCP_JWT_REQUIRE_AT_JWT',
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
  port: 'PORT',
  host: 'HOST',
  httpFramework: 'MCP_HTTP_FRAMEWORK',
  logLevel: 'MCP_LOG_LEVEL',
  devIssuer: 'MCP_DEV_ISSUER',
});

/** Default HTTP port (`PORT`). */
export const DEFAULT_PORT = 8000;

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);
const COMMA_LIST = /\s*,\s*/;
const SCOPE_LIST = /[\s,]+/;

/** Env values that are empty or whitespace count as unset, as in most `.env` tooling. */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return undefined;
}

const BOOLEAN_MESSAGE = 'must be a boolean: true/false, 1/0 or yes/no';

function booleanField(defaultValue: boolean) {
  return z.unknown().transform((value, ctx): boolean => {
    if (isUnset(value)) return defaultValue;
    const parsed = parseBoolean(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: BOOLEAN_MESSAGE });
      return z.NEVER;
    }
    return parsed;
  });
}

function optionalBooleanField() {
  return z.unknown().transform((value, ctx): boolean | undefined => {
    if (isUnset(value)) return undefined;
    const parsed = parseBoolean(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `${BOOLEAN_MESSAGE}, or unset for automatic` });
      return z.NEVER;
    }
    return parsed;
  });
}

/** Free text, trimmed. `exact` keeps surrounding whitespace (secrets are used byte for byte). */
function textField(exact = false) {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (isUnset(value)) return undefined;
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'must be a string' });
      return z.NEVER;
    }
    return exact ? value : value.trim();
  });
}

/** An absolute http(s) URL, kept exactly as written (trailing slashes matter to clients, R2). */
function urlField() {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (isUnset(value)) return undefined;
    const text = typeof value === 'string' ? value.trim() : value instanceof URL ? value.href : undefined;
    if (text === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a URL string' });
      return z.NEVER;
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid absolute URL; expected e.g. https://auth.example.com' });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'must be an https:// (or, for loopback development, http://) URL' });
      return z.NEVER;
    }
    return text;
  });
}

/** {@link urlField}, or the keyword `discover` (any case). */
function urlOrDiscoverField() {
  const url = urlField();
  return z.unknown().transform((value, ctx): string | undefined => {
    if (typeof value === 'string' && value.trim().toLowerCase() === DISCOVER_INTROSPECTION_ENDPOINT) {
      return DISCOVER_INTROSPECTION_ENDPOINT;
    }
    const result = url.safeParse(value);
    if (result.success) return result.data;
    ctx.addIssue({ code: 'custom', message: `${result.error.issues[0]?.message ?? 'is not a URL'}, or "discover"` });
    return z.NEVER;
  });
}

function listField(separator: RegExp, defaultValue: readonly string[] = []) {
  return z.unknown().transform((value, ctx): string[] => {
    if (isUnset(value)) return [...defaultValue];
    const items = typeof value === 'string' ? value.split(separator) : Array.isArray(value) ? value : undefined;
    if (items === undefined || items.some((item) => typeof item !== 'string')) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated string or an array of strings' });
      return z.NEVER;
    }
    return [...new Set((items as string[]).map((item) => item.trim()).filter((item) => item !== ''))];
  });
}

/** API keys are compared byte for byte, so only the separator's surrounding spaces are trimmed. */
function apiKeyListField() {
  return listField(COMMA_LIST);
}

function algorithmListField() {
  return listField(COMMA_LIST, ['RS256']).transform((names, ctx): string[] => {
    const algorithms: string[] = [];
    for (const name of names) {
      if (name.toLowerCase() === 'none') {
        ctx.addIssue({ code: 'custom', message: '"none" is never allowed: unsigned tokens prove nothing (R12)' });
        continue;
      }
      const alg = canonicalJwtAlgorithm(name);
      if (alg === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name.slice(0, 20)}" is not a supported algorithm; use HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA`,
        });
        continue;
      }
      if (!algorithms.includes(alg)) algorithms.push(alg);
    }
    if (names.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one algorithm, e.g. RS256' });
    }
    return algorithms;
  });
}

function numberField(defaultValue: number, min: number, max: number, integer: boolean) {
  return z.unknown().transform((value, ctx): number => {
    if (isUnset(value)) return defaultValue;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}`,
      });
      return z.NEVER;
    }
    return parsed;
  });
}

function enumField<T extends string>(values: readonly T[], defaultValue: T) {
  return z.unknown().transform((value, ctx): T => {
    if (isUnset(value)) return defaultValue;
    const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    const match = values.find((candidate) => candidate === word);
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of: ${values.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });
}

/** {@link enumField} without a default: unset stays `undefined`. */
function optionalEnumField<T extends string>(values: readonly T[]) {
  const field = enumField<T>(values, values[0]!);
  return z.unknown().transform((value, ctx): T | undefined => {
    if (isUnset(value)) return undefined;
    const result = field.safeParse(value);
    if (result.success) return result.data;
    ctx.addIssue({ code: 'custom', message: result.error.issues[0]?.message ?? 'is not a known value' });
    return z.NEVER;
  });
}

/** `tool=scope1 scope2;other=scope3`, or a record of tool name to scopes. */
function toolScopesField() {
  return z.unknown().transform((value, ctx): Record<string, string[]> => {
    if (isUnset(value)) return {};
    const entries: [string, unknown][] = [];
    if (typeof value === 'string') {
      for (const [index, entry] of value.split(';').entries()) {
        if (entry.trim() === '') continue;
        const equals = entry.indexOf('=');
        if (equals <= 0 || entry.slice(0, equals).trim() === '') {
          ctx.addIssue({
            code: 'custom',
            message: `entry ${index + 1} must look like "tool=scope1 scope2" (entries separated by ";")`,
          });
          continue;
        }
        entries.push([entry.slice(0, equals).trim(), entry.slice(equals + 1)]);
      }
    } else if (typeof value === 'object' && !Array.isArray(value) && value !== null) {
      entries.push(...Object.entries(value));
    } else {
      ctx.addIssue({
        code: 'custom',
        message: 'must be "tool=scope1 scope2;other=scope3" or a record of tool → scopes',
      });
      return z.NEVER;
    }
    // A null-prototype record: tool names come from clients' tools/call and must never hit
    // Object.prototype members such as "constructor".
    const result: Record<string, string[]> = Object.create(null);
    for (const [tool, rawScopes] of entries) {
      const scopes =
        typeof rawScopes === 'string'
          ? rawScopes.split(SCOPE_LIST)
          : Array.isArray(rawScopes) && rawScopes.every((s) => typeof s === 'string')
            ? rawScopes
            : undefined;
      const cleaned = scopes?.map((s) => s.trim()).filter((s) => s !== '');
      if (cleaned === undefined || cleaned.length === 0) {
        ctx.addIssue({ code: 'custom', message: `tool "${tool.slice(0, 60)}" must list at least one scope` });
        continue;
      }
      result[tool] = [...new Set(cleaned)];
    }
    return result;
  });
}

/**
 * `*`, or a list of origins as browsers send them in `Origin` (RFC 6454 §6.2: scheme, host and
 * port only). http(s) entries are normalised the way a browser serialises them (lower case, no
 * default port), so `https://App.example.com:443` matches what Chromium sends.
 */
function corsOriginsField() {
  return listField(COMMA_LIST, ['*']).transform((entries, ctx): string[] => {
    if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return ['*'];
    if (entries.includes('*')) {
      ctx.addIssue({ code: 'custom', message: '"*" (any origin) cannot be combined with origins' });
    }
    const origins: string[] = [];
    for (const entry of entries) {
      if (entry === '*') continue;
      const origin = serializedOrigin(entry);
      if (origin === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry.slice(0, 80)}" is not an origin; expected scheme://host[:port] without a path, e.g. https://app.example.com`,
        });
        continue;
      }
      if (!origins.includes(origin)) origins.push(origin);
    }
    return origins;
  });
}

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
  jwtEnabled: booleanField(true),
  jwtAlgorithms: algorithmListField(),
  jwtSecret: textField(true),
  jwtPublicKey: textField(),
  jwtPublicKeyFile: textField(),
  jwtAudience: listField(COMMA_LIST),
  jwtIssuer: urlField(),
  jwtClockTolerance: numberField(5, 0, 600, false),
  jwtRequireAtJwtType: booleanField(false),
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
  port: numberField(DEFAULT_PORT, 0, 65_535, true),
  host: textField(),
  httpFramework: enumField<HttpFramework>(['hono', 'express', 'fastify'], 'hono'),
  logLevel: enumField<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  devIssuer: optionalBooleanField(),
});

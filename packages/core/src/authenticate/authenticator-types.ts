/**
 * The types of the authenticate decision, shared by every adapter. `AuthInfo` is the official MCP
 * SDK's shape, so the SDK transport hands it to tool handlers unchanged.
 *
 * @module
 */

import type { WardenConfig } from '../config/config-schema.js';
import type { AuthError } from '../errors/auth-error.js';
import type { HttpAnswer } from '../http/http-answer.js';
import type { Logger } from '../logging/logger.js';
import type { SharedStore } from '../store/shared-store.js';

/** How a caller authenticated (`basic`: HTTP Basic, RFC 7617). */
export type AuthMethod = 'jwt' | 'api_key' | 'introspection' | 'basic';

/** The authenticated caller, in the MCP SDK's `AuthInfo` shape. */
export interface AuthInfo {
  /** The presented credential (access token, API key, or the base64 of Basic credentials). Never log it. */
  token: string;
  /**
   * `client_id`, else `azp`, else `sub` (RFC 9068 §2.2); `api_key:<n>` for the n-th configured API
   * key; the user id for HTTP Basic.
   */
  clientId: string;
  /** Granted scopes (RFC 9068 §2.2: `scope`, `scp`, `permissions`). */
  scopes: string[];
  /** Expiry in seconds since the epoch (the JWT `exp`); absent for API keys and Basic users. */
  expiresAt?: number;
  /** The resource (this server's resource URL) the token was accepted for (RFC 8707). */
  resource?: URL;
  /**
   * Identity details: `subject`, `issuer`, `method` and the verified `claims`; `cnf` for a token
   * bound to a DPoP key (RFC 9449 §6), which then reached this server with a valid proof by it.
   */
  extra?: {
    subject?: string;
    issuer?: string;
    method: AuthMethod;
    claims?: Record<string, unknown>;
    /** The key a DPoP-bound token is bound to (`cnf.jkt`, the RFC 7638 thumbprint); absent for unbound tokens. */
    cnf?: { readonly jkt: string };
    [key: string]: unknown;
  };
}

/** What an adapter extracts from a request: only what the decision needs, never the whole request. */
export interface AuthRequest {
  /** The `Authorization` header (comma-joined if repeated): `Bearer`, or `Basic` when Basic users are configured. */
  authorization?: string | null;
  /**
   * The `X-API-Key` header. Not read when the `Authorization` header's Bearer token is answered
   * from the verified-token cache, so an adapter may compute it on read (a getter).
   */
  apiKey?: string | null;
  /** The HTTP method. */
  method: string;
  /**
   * The request path as the client sent it, without the query. Logged with a rejection, and the
   * path of the URL a DPoP proof must name (`htu`, RFC 9449 §4.3), whose origin is the configured
   * resource URL's, never the `Host` header's. Without it, a proof must name the resource URL.
   */
  path?: string;
  /**
   * The `DPoP` header (RFC 9449 §4.1), every copy joined with `, ` like `authorization`, so a
   * request with two proofs is refused rather than checked on one of them.
   */
  dpop?: string | null;
  /**
   * The `Host` header. Only read when the resource URL is a loopback URL, to name the metadata
   * under the spelling the client used; it never shapes anything for another host.
   */
  host?: string | null;
  /** The client's network address (for logs). */
  clientAddress?: string;
  /** The parsed JSON body, when the framework has one: `tools/call` step-up scopes are read from it (MCP authorization, scope challenges). */
  body?: unknown;
  /**
   * The runtime's hook for work that may outlive this request, such as Cloudflare Workers'
   * `ExecutionContext.waitUntil`: a key refresh this request starts in the background is handed
   * to it, so a runtime that stops a request's work once the response is sent keeps the refresh
   * (docs/deploying.md, "Cloudflare Workers"). Adapters fill it when the runtime offers one; on
   * Node.js, Bun and Deno background work runs on anyway.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** Per-route overrides of the configuration. */
export interface RouteAuthOptions {
  /** Scopes every request on the route needs (default: `config.requiredScopes`). */
  requiredScopes?: string[];
  /** Whether credentials are required (default: `config.authRequired`). */
  required?: boolean;
  /** Extra scopes per tool for JSON-RPC `tools/call` (default: `config.toolScopes`). */
  toolScopes?: Record<string, string[]>;
}

/** The JSON body of every rejection (RFC 6750 §3, RFC 6749 §5.2). */
export interface AuthErrorBody {
  error: string;
  error_description: string;
}

/** The outcome of {@link Authenticator.authenticate}. */
export type AuthResult =
  | { outcome: 'authenticated'; authInfo: AuthInfo }
  | { outcome: 'anonymous' }
  /**
   * Refused: `status` is 400, 401, 403 or 503, `headers` hold `WWW-Authenticate` (and
   * `Retry-After` with a 503), `body` the JSON error.
   */
  | ({ outcome: 'rejected'; error: AuthError } & HttpAnswer<AuthErrorBody>);

/** Tuning for the remote JWKS client (docs/requirements.md, "Signing keys"). Defaults suit production; tests shorten them. */
export interface JwksClientOptions {
  /** Time budget of one key load, discovery included; also the introspection timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Minimum time between refreshes triggered by an unknown `kid` (default 30000 ms). */
  cooldownMs?: number;
  /** Refetch keys older than this on the next use (default 600000 ms). */
  maxAgeMs?: number;
  /** Maximum JWKS (and discovery document) size (default 256 KiB). */
  maxBytes?: number;
}

/** Options of `createAuthenticator` beyond the configuration. */
export interface AuthenticatorOptions {
  /** The fetch used for JWKS, discovery and introspection (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /**
   * Where diagnostics go (default: nowhere). A logger without some of the levels (say, no
   * `debug`) is accepted: the missing levels are dropped.
   */
  logger?: Partial<Logger>;
  /** Remote JWKS tuning. */
  jwks?: JwksClientOptions;
  /**
   * State shared by every instance serving this resource: DPoP proof identifiers and nonces
   * (RFC 9449 §11.1, §8) and introspection results (RFC 7662 §4). Default: this process's memory
   * (`createMemoryStore()`), right for one instance; several instances share one, such as
   * `@mcp-warden/redis`.
   */
  store?: SharedStore;
}

/** Built once by `createAuthenticator`, then used on every request. */
export interface Authenticator {
  /** The validated configuration, defaults applied. */
  readonly config: WardenConfig;
  /** `protectedResourceMetadataUrl(config.resourceUrl)`, named in every challenge (RFC 9728 §5.1). */
  readonly resourceMetadataUrl: string;
  /**
   * The decision for one request. Never throws. Without `request.body` the per-tool scopes of a
   * `tools/call` are not checked: adapters authenticate before they read a body, then hand
   * the body to {@link Authenticator.authorizeToolCall}.
   */
  authenticate(request: AuthRequest, route?: RouteAuthOptions): Promise<AuthResult>;
  /**
   * Logs, at error level with its cause, a failure an adapter caught around {@link authenticate}
   * (it then answers `UNEXPECTED_FAILURE`, a 503). Never logs a credential.
   */
  reportUnexpectedFailure(error: unknown, request?: Pick<AuthRequest, 'method' | 'path'>): void;
  /**
   * The second half of the decision, once the body is read: a passed `result` of
   * {@link Authenticator.authenticate} checked against the per-tool scopes a `tools/call` in
   * `request.body` needs: 403 `insufficient_scope` for a caller without them, 401 for an
   * anonymous one. Anything else comes back unchanged. Never throws, never awaits.
   *
   * @example
   * ```ts
   * let result = await authenticator.authenticate({ authorization, method: 'POST' });
   * if (result.outcome !== 'rejected') result = authenticator.authorizeToolCall(result, { method: 'POST', body });
   * ```
   */
  authorizeToolCall(result: AuthResult, request: AuthRequest, route?: RouteAuthOptions): AuthResult;
  /** Verifies one bearer token (JWT or API key): the SDK's `OAuthTokenVerifier`. Throws {@link AuthError}. */
  verifyAccessToken(token: string): Promise<AuthInfo>;
  /** Releases caches and pending work. */
  close(): Promise<void>;
}

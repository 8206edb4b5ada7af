/**
 * The authenticate decision (the table below), built once from
 * configuration and then run per request by every adapter.
 *
 * | situation                                           | answer                                            |
 * | --------------------------------------------------- | ------------------------------------------------- |
 * | auth disabled                                       | anonymous                                         |
 * | enabled, not required, no credentials               | anonymous                                         |
 * | enabled, invalid credentials (required or not)      | 401 `invalid_token`: never downgraded             |
 * | required (or a scoped `tools/call`), no credentials | 401, challenge without `error=` (RFC 6750 §3.1)    |
 * | valid credentials lacking a scope                   | 403 `insufficient_scope` with every needed scope   |
 * | malformed Authorization header                      | 400 `invalid_request` with the challenge           |
 * | keys unavailable, none cached                       | 503 `temporarily_unavailable` + `Retry-After`      |
 *
 * @module
 */

import { decodeProtectedHeader } from 'jose';
import { type ApiKeyVerifier, createApiKeyVerifier } from '../api-keys/api-key-verifier.js';
import { basicCredentialsInvalid, malformedBasicAuthorization } from '../basic-auth/basic-auth-failures.js';
import { type BasicAuthVerifier, createBasicAuthVerifier } from '../basic-auth/basic-auth-verifier.js';
import { basicChallenge } from '../basic-auth/basic-challenge.js';
import { type BasicCredentials, isBasicScheme, parseBasicAuthorization } from '../basic-auth/basic-credentials.js';
import { InflightVerifications } from '../cache/inflight-verifications.js';
import { VerifiedTokenCache } from '../cache/verified-token-cache.js';
import { protectedResourceMetadataUrl } from '../challenge/protected-resource-metadata-url.js';
import { buildWwwAuthenticate } from '../challenge/www-authenticate.js';
import { DISCOVER_INTROSPECTION_ENDPOINT, type WardenConfig, type WardenOptions } from '../config/config-schema.js';
import { expectedAudiences } from '../config/expected-audiences.js';
import { configName, defineConfig, isWritten } from '../config/load-config.js';
import { isLoopbackResource, resourceSpellings, resourceUrlForHost } from '../config/loopback-resource.js';
import { parseDpopAuthorization } from '../dpop/dpop-authorization.js';
import { createDpopChecker, type DpopChecker } from '../dpop/dpop-checker.js';
import { challengeNonceOf, dpopBoundTokenAsBearer, dpopRequired } from '../dpop/dpop-failures.js';
import { dpopOffered } from '../dpop/dpop-offered.js';
import { type AuthError, isAuthError } from '../errors/auth-error.js';
import {
  COULD_NOT_VALIDATE,
  credentialsMissing,
  insufficientScope,
  invalidToken,
  malformedAuthorization,
  unexpectedFailure,
} from '../errors/auth-failures.js';
import { createIntrospectionEndpoint } from '../introspection/introspection-endpoint.js';
import { createIntrospectionVerifier } from '../introspection/introspection-verifier.js';
import { withSharedIntrospectionCache } from '../introspection/shared-introspection-cache.js';
import { createJwtIssuerRouter } from '../jwt/jwt-issuer-router.js';
import type { VerifiedJwt } from '../jwt/jwt-verifier.js';
import type { WaitUntil } from '../jwt/static-jwt-keys.js';
import { completeLogger, type Logger } from '../logging/logger.js';
import { acceptedIssuersFor, claimMappingFor } from '../presets/provider-presets.js';
import { createMemoryStore, type SharedStore } from '../store/shared-store.js';
import { createAuthInfo } from './auth-info.js';
import type {
  Authenticator,
  AuthenticatorOptions,
  AuthInfo,
  AuthRequest,
  AuthResult,
  RouteAuthOptions,
} from './authenticator-types.js';
import { type BearerCredentials, parseAuthorization } from './bearer-credentials.js';
import { MAX_CREDENTIAL_LENGTH } from './credential-length.js';
import { type ToolScopes, toolCallScopes } from './operation-scopes.js';

const ANONYMOUS: AuthResult = Object.freeze({ outcome: 'anonymous' });
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const DEFAULT_RETRY_AFTER_SECONDS = 30;
const BEARER_PREFIX_LENGTH = 'Bearer '.length;
/** `Basic ` and base64 of at most {@link MAX_CREDENTIAL_LENGTH} characters, with room for extra spaces. */
const MAX_BASIC_HEADER_LENGTH = MAX_CREDENTIAL_LENGTH + 64;
const API_KEY_EXTRA = Object.freeze({ method: 'api_key' as const });
const JWT_ROUTE = Object.freeze({ verifier: 'jwt' });

/** A compact JWS whose first segment decodes to a JSON object header; anything else is opaque. */
function looksLikeJwt(token: string): boolean {
  if (!JWT_SHAPE.test(token)) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/** Refused before any parsing, hashing, cache lookup, verification or introspection call. */
function oversizedCredential(): AuthError {
  return invalidToken(
    'ERR_CREDENTIALS_INVALID',
    COULD_NOT_VALIDATE,
    new Error(`credential longer than ${MAX_CREDENTIAL_LENGTH} characters`),
  );
}

function hasEntries(record: ToolScopes): boolean {
  for (const _ in record) return true;
  return false;
}

/**
 * Builds the authenticator: validates the configuration and imports every static key up front, so
 * a broken setup fails at start-up rather than on the first request.
 *
 * @throws {ConfigError} when the configuration or a configured key is unusable.
 * @example
 * ```ts
 * const authenticator = await createAuthenticator(loadConfig(process.env));
 * const result = await authenticator.authenticate({
 *   authorization: req.headers.authorization,
 *   apiKey: req.headers['x-api-key'],
 *   method: req.method,
 *   body: req.body,
 * });
 * if (result.outcome === 'rejected') return res.status(result.status).set(result.headers).json(result.body);
 * ```
 */
export async function createAuthenticator(
  input: WardenConfig | WardenOptions,
  options: AuthenticatorOptions = {},
): Promise<Authenticator> {
  const config = defineConfig(input);
  const logger = completeLogger(options.logger, 'createAuthenticator');
  const resourceMetadataUrl = protectedResourceMetadataUrl(config.resourceUrl);
  // A loopback resource answers under the spelling the client used (loopback-resource.ts), so the
  // challenge sends it to metadata whose `resource` matches the URL it was given.
  const loopbackMetadataUrls = isLoopbackResource(config.resourceUrl)
    ? new Map(resourceSpellings(config.resourceUrl).map((url) => [url, protectedResourceMetadataUrl(url)]))
    : undefined;
  const metadataUrlFor = (host: string | null | undefined): string =>
    loopbackMetadataUrls?.get(resourceUrlForHost(config.resourceUrl, host)) ?? resourceMetadataUrl;
  const cache = new VerifiedTokenCache(config.tokenCacheMaxEntries, config.jwtClockTolerance);
  const inflight = new InflightVerifications<AuthInfo>();

  const apiKeys: ApiKeyVerifier | undefined =
    config.apiKeyEnabled && config.apiKeys.length > 0 ? await createApiKeyVerifier(config.apiKeys) : undefined;
  // API keys are full-access credentials: they carry every scope the configuration knows about, and
  // the per-operation scope check does not apply to them (an API key carries no scopes of its own).
  const apiKeyScopes = Object.freeze([
    ...new Set([...config.scopesSupported, ...config.requiredScopes, ...Object.values(config.toolScopes).flat()]),
  ]) as string[];
  // HTTP Basic users (RFC 7617) are full-access credentials too, with the same scopes: a Basic
  // client cannot obtain more scopes, so a step-up challenge would leave it nowhere to go.
  const basicUsers: BasicAuthVerifier | undefined =
    config.basicAuthUsers.length > 0 ? await createBasicAuthVerifier(config.basicAuthUsers) : undefined;
  // The Basic challenge names the resource URL as its realm, in the loopback spelling the client used.
  const basicChallenges =
    basicUsers === undefined
      ? undefined
      : new Map(resourceSpellings(config.resourceUrl).map((url) => [url, basicChallenge(url)]));
  const basicChallengeFor = (host: string | null | undefined): string | undefined =>
    basicChallenges?.get(
      loopbackMetadataUrls === undefined ? config.resourceUrl : resourceUrlForHost(config.resourceUrl, host),
    );

  // MCP_JWKS_REFRESH_COOLDOWN is the default; programmatic `jwks` options override it.
  const jwks = { cooldownMs: config.jwksRefreshCooldown * 1000, ...options.jwks };
  const jwtRouter = await createJwtIssuerRouter(config, { ...options, jwks }, logger);
  const introspect = buildIntrospection(config, options, logger);

  warnAboutConfiguration(
    config,
    {
      apiKeys: apiKeys !== undefined,
      basic: basicUsers !== undefined,
      jwt: jwtRouter.configured,
      introspection: !!introspect,
    },
    logger,
  );

  const defaultToolScopesSet = hasEntries(config.toolScopes);
  const jwtValidationOn = config.jwtEnabled && jwtRouter.configured;

  // DPoP (RFC 9449, docs/dpop.md) applies to access tokens: on when something can verify one.
  const dpopAccepted = dpopOffered(config) !== undefined;
  const ownStore: SharedStore | undefined =
    dpopAccepted && options.store === undefined ? createMemoryStore() : undefined;
  const dpop: DpopChecker | undefined = dpopAccepted
    ? createDpopChecker(config, options.store ?? (ownStore as SharedStore), logger)
    : undefined;
  const bearerNeedsDpop = dpopAccepted && config.dpopRequired;
  if (config.authEnabled && config.dpopRequired && !dpopAccepted) {
    logger.warn(
      { setting: configName(config, 'dpopRequired') },
      `${configName(config, 'dpopRequired')} is set but no access token can be verified (no JWT key, issuer or introspection is configured): it has no effect`,
    );
  }

  /**
   * A token presented as `Bearer`: refused when it is bound to a DPoP key (RFC 9449 §7.1: a copy of
   * it must not work without the key) or, when DPoP is required, when it is an access token at all.
   */
  function bearerRefusal(authInfo: AuthInfo): AuthError | undefined {
    if (authInfo.extra?.cnf !== undefined) return dpopBoundTokenAsBearer();
    if (bearerNeedsDpop && authInfo.extra?.method !== 'api_key') return dpopRequired();
    return undefined;
  }

  /** `position`: the key's place in the configured list when the caller already matched it (hashed once per request). */
  async function verifyApiKey(key: string, position?: number): Promise<AuthInfo> {
    if (position === undefined) {
      if (key.length > MAX_CREDENTIAL_LENGTH) throw oversizedCredential();
      if (!config.apiKeyEnabled) {
        throw invalidToken('ERR_API_KEY_DISABLED', 'API key authentication is not enabled');
      }
      position = apiKeys ? await apiKeys.match(key) : 0;
    }
    if (position === 0) throw invalidToken('ERR_API_KEY_INVALID', COULD_NOT_VALIDATE);
    return createAuthInfo(
      { token: key, clientId: `api_key:${position}`, scopes: apiKeyScopes, extra: API_KEY_EXTRA },
      config.resourceUrl,
    );
  }

  /** Well-formed Basic credentials (RFC 7617): a configured user, or 401 whatever was wrong. */
  async function verifyBasic(credentials: Extract<BasicCredentials, { kind: 'basic' }>): Promise<AuthInfo> {
    const user = await basicUsers!.match(credentials.user, credentials.password);
    if (user === undefined) throw basicCredentialsInvalid();
    return createAuthInfo(
      {
        token: credentials.credentials,
        clientId: user,
        scopes: apiKeyScopes,
        extra: Object.freeze({ method: 'basic' as const, subject: user }),
      },
      config.resourceUrl,
    );
  }

  async function introspectUncached(token: string): Promise<AuthInfo> {
    const { authInfo, cacheUntil } = await introspect!(token);
    if (cacheUntil !== undefined) cache.set(token, authInfo, cacheUntil, undefined);
    return authInfo;
  }

  // The routing decisions below are logged at debug level so an operator can see why a token went
  // where it did; the log never carries the token (docs/security.md), only which path it took and why.
  async function verifyJwtUncached(token: string, waitUntil: WaitUntil | undefined): Promise<AuthInfo> {
    if (!config.jwtEnabled) {
      const position = apiKeys ? await apiKeys.match(token) : 0;
      if (position !== 0) {
        logger.debug(
          { verifier: 'api_key' },
          'bearer token is JWT-shaped but JWT validation is off: it is a configured API key',
        );
        return verifyApiKey(token, position);
      }
      logger.debug(
        { verifier: 'none' },
        'bearer token is JWT-shaped but JWT validation is off (MCP_JWT_ENABLED=false)',
      );
      throw invalidToken('ERR_JWT_DISABLED', 'JWT authentication is not enabled');
    }
    if (!jwtRouter.configured) {
      if (introspect) {
        logger.debug(
          { verifier: 'introspection' },
          'bearer token is JWT-shaped but no JWT key or issuer is configured: introspecting it',
        );
        return introspectUncached(token);
      }
      logger.debug(
        { verifier: 'none' },
        'bearer token is JWT-shaped but no JWT key, issuer or introspection is configured',
      );
      throw invalidToken(
        'ERR_CREDENTIALS_INVALID',
        COULD_NOT_VALIDATE,
        new Error('no JWT verification key is configured'),
      );
    }
    logger.debug({ verifier: 'jwt' }, 'bearer token is JWT-shaped: JWT validation');
    const verified: VerifiedJwt = await jwtRouter.verify(token, waitUntil);
    cache.offer(token, verified.authInfo, verified.exp, verified.nbf);
    return verified.authInfo;
  }

  /**
   * An opaque bearer token: a configured API key first (so keys are never sent to the
   * authorization server), then introspection.
   */
  async function verifyOpaqueUncached(token: string): Promise<AuthInfo> {
    const position = apiKeys ? await apiKeys.match(token) : 0;
    if (position !== 0) {
      logger.debug({ verifier: 'api_key' }, 'bearer token is not a JWT and is a configured API key');
      return verifyApiKey(token, position);
    }
    logger.debug(
      { verifier: 'introspection' },
      'bearer token is not a JWT and not an API key: introspecting it (RFC 7662)',
    );
    return introspectUncached(token);
  }

  /**
   * A bearer token: cache hit, shared in-flight verification, or a fresh one. `waitUntil` is the
   * request's (`AuthRequest.waitUntil`): a key fetch the verification starts is handed to it.
   */
  function verifyBearer(token: string, waitUntil?: WaitUntil): Promise<AuthInfo> {
    if (token.length > MAX_CREDENTIAL_LENGTH) return Promise.reject(oversizedCredential());
    const hit = cache.get(token, Date.now() / 1000);
    if (hit !== undefined) return Promise.resolve(hit);
    return verifyUncachedBearer(token, jwtValidationOn && JWT_SHAPE.test(token), waitUntil);
  }

  /** A token the cache does not hold: joins the verification in flight for it, or starts one. */
  function verifyUncachedBearer(token: string, jwtFirst: boolean, waitUntil: WaitUntil | undefined): Promise<AuthInfo> {
    const pending = inflight.get(token);
    if (pending !== undefined) return pending;
    let verification: Promise<AuthInfo>;
    if (jwtFirst) {
      const started = startJwtFirst(token, waitUntil);
      // Decided on the spot (node:crypto with the key in hand): there is no verification in
      // flight for a concurrent request to share, so none is recorded (docs/performance.md).
      if (!(started instanceof Promise)) return Promise.resolve(started);
      verification = verifyJwtFirst(token, started);
    } else {
      const isJwt = looksLikeJwt(token);
      if (!isJwt && !introspect) return verifyNonJwtWithoutIntrospection(token);
      verification = (isJwt ? verifyJwtUncached(token, waitUntil) : verifyOpaqueUncached(token)).finally(() =>
        inflight.delete(token),
      );
    }
    inflight.set(token, verification);
    return verification;
  }

  /** Without introspection an opaque token can only be an API key: checked fresh every time, in constant time, never cached. */
  function verifyNonJwtWithoutIntrospection(token: string): Promise<AuthInfo> {
    logger.debug(
      { verifier: 'api_key' },
      'bearer token is not a JWT and no introspection is configured: API key check',
    );
    return verifyApiKey(token);
  }

  /**
   * Starts the JWT verification of a JWT-shaped token: the AuthInfo (cached) when the engine
   * decided synchronously, else the verification in flight; a synchronous refusal becomes a
   * rejected promise, for {@link verifyJwtFirst} to classify.
   */
  function startJwtFirst(token: string, waitUntil: WaitUntil | undefined): AuthInfo | Promise<VerifiedJwt> {
    logger.debug(JWT_ROUTE, 'bearer token is JWT-shaped: JWT validation');
    let started: VerifiedJwt | Promise<VerifiedJwt>;
    try {
      started = jwtRouter.verify(token, waitUntil);
    } catch (error) {
      return Promise.reject(error);
    }
    if (started instanceof Promise) return started;
    cache.offer(token, started.authInfo, started.exp, started.nbf);
    return started.authInfo;
  }

  /**
   * A JWT-shaped token while JWT validation is on goes straight to the JWT verifier, which decodes
   * the header itself: deciding "JWT or opaque" up front decoded it twice per uncached token. Only
   * when the token fails and its header is not a JOSE header is it an opaque credential after all;
   * the header is read before any key is resolved, so that first attempt fetched nothing.
   */
  async function verifyJwtFirst(token: string, started: Promise<VerifiedJwt>): Promise<AuthInfo> {
    try {
      const verified = await started;
      cache.offer(token, verified.authInfo, verified.exp, verified.nbf);
      return verified.authInfo;
    } catch (error) {
      if (looksLikeJwt(token)) throw error;
      return await (introspect ? verifyOpaqueUncached(token) : verifyNonJwtWithoutIntrospection(token));
    } finally {
      inflight.delete(token);
    }
  }

  /**
   * `request` is read only here, for its `host` (a loopback resource's challenge) and, while DPoP is
   * accepted, the scheme its `authorization` used (whose challenge carries the error): never on a pass.
   */
  function reject(error: AuthError, scope: readonly string[], request: AuthRequest | undefined): AuthResult {
    const withErrorCode = error.code !== 'ERR_CREDENTIALS_MISSING' && error.status !== 503;
    const params = {
      resourceMetadata: metadataUrlFor(request?.host),
      scope,
      ...(withErrorCode ? { error: error.error, errorDescription: error.description } : {}),
    };
    let challenge =
      dpop === undefined
        ? buildWwwAuthenticate(params)
        : dpop.challenge(params, parseDpopAuthorization(request?.authorization) !== undefined);
    // RFC 9110 §11.6.1: several challenges in one field. Bearer stays first (then DPoP), so OAuth
    // clients that read only the first challenge (or search the field for `resource_metadata`) find it.
    if (basicChallenges !== undefined && (error.status === 401 || error.status === 400)) {
      challenge += `, ${basicChallengeFor(request?.host)}`;
    }
    const headers: Record<string, string> = { 'WWW-Authenticate': challenge };
    const nonce = challengeNonceOf(error);
    if (nonce !== undefined) headers['DPoP-Nonce'] = nonce;
    if (error.status === 503) headers['Retry-After'] = String(error.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS);
    return { outcome: 'rejected', error, status: error.status, headers, body: error.toJSON() };
  }

  async function decide(request: AuthRequest, route: RouteAuthOptions | undefined): Promise<AuthResult> {
    if (!config.authEnabled) return ANONYMOUS;
    const requiredScopes = route?.requiredScopes ?? config.requiredScopes;
    const toolScopes = route?.toolScopes ?? config.toolScopes;
    const toolScopesSet = route?.toolScopes === undefined ? defaultToolScopesSet : hasEntries(toolScopes);
    const extraScopes = toolScopesSet && request.body !== undefined ? toolCallScopes(request.body, toolScopes) : [];
    const needed = extraScopes.length === 0 ? requiredScopes : [...new Set([...requiredScopes, ...extraScopes])];

    // The exact form clients send, `Bearer <token>` with one space, skips the header's regular
    // expressions. The cache only answers for a token68 token, which has no spaces, so a
    // hit means parseAuthorization would have returned this very token; so does a JWT-shaped token
    // (base64url and dots are token68). Anything else takes the full parse.
    const authorization = request.authorization;
    let uncachedJwt: string | undefined;
    if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
      const token = authorization.slice(BEARER_PREFIX_LENGTH);
      const hit = cache.getBearer(token, Date.now() / 1000);
      if (hit !== undefined) {
        const refusal = bearerRefusal(hit);
        return refusal === undefined ? authorize(hit, needed, request) : reject(refusal, needed, request);
      }
      if (jwtValidationOn && token.length <= MAX_CREDENTIAL_LENGTH && JWT_SHAPE.test(token)) uncachedJwt = token;
    } else if (dpop !== undefined) {
      const presented = parseDpopAuthorization(authorization);
      if (presented?.kind === 'dpop') return decideDpop(dpop, presented.token, needed, request);
      if (presented !== undefined) return reject(malformedAuthorization('token'), needed, request);
    }

    let authInfo: AuthInfo;
    const credentials: BearerCredentials =
      uncachedJwt === undefined ? parseAuthorization(authorization) : { kind: 'bearer', token: uncachedJwt };
    const presentedKey = request.apiKey; // read once: adapters may compute it on read
    const apiKey = typeof presentedKey === 'string' && presentedKey.trim() !== '' ? presentedKey.trim() : undefined;
    // Basic credentials are read only when Basic users are configured; otherwise the scheme is
    // refused as any other would be. Like a bearer token, an oversized header costs no decoding.
    let basic: BasicCredentials | undefined;
    if (basicUsers !== undefined && credentials.kind === 'malformed' && isBasicScheme(authorization)) {
      if (authorization!.length > MAX_BASIC_HEADER_LENGTH) return reject(oversizedCredential(), needed, request);
      basic = parseBasicAuthorization(authorization);
    }
    try {
      if (uncachedJwt !== undefined) authInfo = await verifyUncachedBearer(uncachedJwt, true, request.waitUntil);
      else if (credentials.kind === 'bearer') authInfo = await verifyBearer(credentials.token, request.waitUntil);
      else if (basic?.kind === 'basic') authInfo = await verifyBasic(basic);
      else if (apiKey !== undefined) authInfo = await verifyApiKey(apiKey);
      else if (basic?.kind === 'malformed') return reject(malformedBasicAuthorization(basic.reason), needed, request);
      else if (credentials.kind === 'malformed')
        return reject(malformedAuthorization(credentials.reason), needed, request);
      else if (request.method === 'OPTIONS')
        return ANONYMOUS; // a CORS preflight never carries credentials
      else if ((route?.required ?? config.authRequired) || extraScopes.length > 0) {
        return reject(credentialsMissing(), needed, request);
      } else return ANONYMOUS;
    } catch (error) {
      if (!isAuthError(error)) throw error;
      // No per-request warning for a 503: the JWKS and introspection clients log each failed
      // fetch themselves, at most once per back-off window (incidents, not requests).
      return reject(error, needed, request);
    }
    const refusal = bearerRefusal(authInfo);
    return refusal === undefined ? authorize(authInfo, needed, request) : reject(refusal, needed, request);
  }

  /**
   * `Authorization: DPoP <token>` (RFC 9449 §7.1): the proof, the token (cache, shared verification
   * or a fresh one, as for Bearer), then the binding, nonce and replay checks that join them.
   */
  async function decideDpop(
    checker: DpopChecker,
    token: string,
    needed: readonly string[],
    request: AuthRequest,
  ): Promise<AuthResult> {
    let authInfo: AuthInfo;
    try {
      if (token.length > MAX_CREDENTIAL_LENGTH) throw oversizedCredential();
      const proof = await checker.verifyProof(request, token);
      authInfo = await verifyBearer(token, request.waitUntil);
      await checker.confirm(proof, authInfo);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      return reject(error, needed, request);
    }
    return authorize(authInfo, needed, request);
  }

  /** The scope check of an identified caller (API keys and Basic users carry every scope). */
  function authorize(authInfo: AuthInfo, needed: readonly string[], request: AuthRequest): AuthResult {
    const method = authInfo.extra?.method;
    if (needed.length > 0 && method !== 'api_key' && method !== 'basic') {
      for (const scope of needed) {
        if (!authInfo.scopes.includes(scope)) {
          return reject(insufficientScope(), needed, request);
        }
      }
    }
    return { outcome: 'authenticated', authInfo };
  }

  function reportUnexpectedFailure(error: unknown, request?: Pick<AuthRequest, 'method' | 'path'>): void {
    let method: string | undefined;
    let path: string | undefined;
    try {
      method = request?.method;
      path = request?.path;
    } catch {
      // The request itself may be what failed: the log line still goes out, without them.
    }
    logger.error({ cause: describeCause(error), method, path }, 'unexpected failure while authenticating');
  }

  /** Every rejection is logged with its code, method, path and client address; never the credential. */
  function logRejection(result: AuthResult, request: AuthRequest | undefined): void {
    if (result.outcome !== 'rejected') return;
    logger.info(
      {
        code: result.error.code,
        status: result.status,
        method: request?.method,
        path: request?.path,
        clientAddress: request?.clientAddress,
      },
      'request rejected',
    );
  }

  return {
    config,
    resourceMetadataUrl,
    authorizeToolCall(result, request, route) {
      if (result.outcome === 'rejected' || !config.authEnabled || request.body === undefined) return result;
      const toolScopes = route?.toolScopes ?? config.toolScopes;
      const toolScopesSet = route?.toolScopes === undefined ? defaultToolScopesSet : hasEntries(toolScopes);
      const extraScopes = toolScopesSet ? toolCallScopes(request.body, toolScopes) : [];
      if (extraScopes.length === 0) return result;
      const needed = [...new Set([...(route?.requiredScopes ?? config.requiredScopes), ...extraScopes])];
      const checked =
        result.outcome === 'anonymous'
          ? reject(credentialsMissing(), needed, request)
          : authorize(result.authInfo, needed, request);
      logRejection(checked, request);
      return checked;
    },
    async authenticate(request, route) {
      try {
        const result = await decide(request ?? { method: 'GET' }, route);
        logRejection(result, request);
        return result;
      } catch (error) {
        // A bug must not become a pass or a 500: fail closed with the same 503 the adapters send
        // when something around the authenticator fails (unexpected-failure.ts).
        reportUnexpectedFailure(error, request);
        return reject(unexpectedFailure(error), [], safeRequest(request));
      }
    },
    reportUnexpectedFailure,
    async verifyAccessToken(token) {
      if (typeof token !== 'string' || token === '') throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE);
      const authInfo = await verifyBearer(token);
      // The SDK's verifier sees Bearer tokens only: a DPoP-bound one needs its proof.
      const refusal = bearerRefusal(authInfo);
      if (refusal !== undefined) throw refusal;
      return authInfo;
    },
    async close() {
      cache.clear();
      inflight.clear();
      jwtRouter.close();
      await ownStore?.close?.();
    },
  };
}

/**
 * Start-up warnings, once per authenticator, about settings that leave requests less protected
 * than their author may think. Each names the setting as the author wrote it.
 */
function warnAboutConfiguration(
  config: WardenConfig,
  methods: { apiKeys: boolean; basic: boolean; jwt: boolean; introspection: boolean },
  logger: Logger,
): void {
  if (!config.authEnabled) return;
  const name = (key: keyof WardenConfig) => configName(config, key);
  // `MCP_AUTH_REQUIRED=true` for the environment, `authRequired: true` in code.
  const setting = (key: keyof WardenConfig, value: boolean) =>
    name(key) === key ? `${key}: ${value}` : `${name(key)}=${value}`;
  // JWT is on by default: a JWT setting with nothing to verify against is only worth a warning to
  // whoever turned it on, or when nothing else can authenticate anyone.
  const jwtChosen = isWritten(config, 'jwtEnabled') || isWritten(config, 'jwtAlgorithms');
  if (
    config.jwtEnabled &&
    !methods.jwt &&
    !methods.introspection &&
    (jwtChosen || (!methods.apiKeys && !methods.basic))
  ) {
    logger.warn(
      { setting: name('jwtEnabled') },
      `JWT authentication is enabled but no key, secret, JWKS URI or issuer is configured: set ${name('jwtIssuer')}, ${name('oauthJwksUri')}, ${name('jwtPublicKey')} or ${name('jwtSecret')}`,
    );
  }
  if (methods.basic && new URL(config.resourceUrl).protocol === 'http:' && !isLoopbackResource(config.resourceUrl)) {
    logger.warn(
      { setting: name('basicAuthUsers') },
      `${name('basicAuthUsers')} is set while the resource URL is plain http on a network host: Basic passwords would cross the network readable by anyone on the path; serve it over https (docs/authentication.md)`,
    );
  }
  if (!config.authRequired && (methods.apiKeys || methods.basic || methods.jwt || methods.introspection)) {
    logger.warn(
      { setting: name('authRequired') },
      `authentication is optional (${setting('authRequired', false)}): requests without credentials reach the application as anonymous; set ${setting('authRequired', true)} to refuse them (or require it per route)`,
    );
  }
}

/**
 * The request, for the challenge of the fail-closed answer, only if reading its `host` does not
 * throw: the failure being answered may be that very request's.
 */
function safeRequest(request: AuthRequest | undefined): AuthRequest | undefined {
  try {
    return request === undefined ? undefined : { method: request.method, host: request.host };
  } catch {
    return undefined;
  }
}

/** Error name and message for logs; jose and fetch messages carry no token material. */
function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return cause === undefined ? undefined : String(cause);
}

/**
 * The introspection verifier of the configuration (RFC 7662), or undefined without
 * `MCP_OAUTH_INTROSPECTION_ENDPOINT`. With `discover`, the endpoint comes from the metadata of
 * `MCP_JWT_ISSUER` (else `MCP_OAUTH_SERVER_URL`) on first use. With a shared store, its answers
 * are shared by every instance (shared-introspection-cache.ts).
 */
function buildIntrospection(config: WardenConfig, options: AuthenticatorOptions, logger: Logger) {
  if (config.oauthIntrospectionEndpoint === undefined) return undefined;
  const timeoutMs = Math.round(config.oauthIntrospectionTimeout * 1000);
  const discover = config.oauthIntrospectionEndpoint === DISCOVER_INTROSPECTION_ENDPOINT;
  const endpoint = createIntrospectionEndpoint({
    ...(discover
      ? { issuer: config.jwtIssuer ?? config.oauthServerUrl }
      : { endpoint: config.oauthIntrospectionEndpoint }),
    allowInsecureHttp: config.allowInsecureHttp,
    timeoutMs,
    fetch: options.fetch,
  });
  const introspect = createIntrospectionVerifier({
    endpoint,
    clientId: config.oauthClientId,
    clientSecret: config.oauthClientSecret,
    authMethod: config.oauthIntrospectionAuthMethod,
    acceptedIssuers: config.jwtIssuer === undefined ? undefined : acceptedIssuersFor(config.jwtIssuer, config.provider),
    audiences: expectedAudiences(config),
    resourceUrl: config.resourceUrl,
    clockTolerance: config.jwtClockTolerance,
    timeoutMs,
    maxCacheAgeSeconds: config.oauthIntrospectionCacheMaxAge,
    claims: claimMappingFor(config.provider),
    fetch: options.fetch,
    logger,
  });
  // Several instances sharing a store make one introspection call per token between them.
  if (options.store === undefined) return introspect;
  return withSharedIntrospectionCache(introspect, { store: options.store, resourceUrl: config.resourceUrl, logger });
}

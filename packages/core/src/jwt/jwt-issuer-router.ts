/**
 * JWT validation across several trusted issuers. Each issuer (the `MCP_JWT_*` one and every
 * `MCP_TRUSTED_ISSUERS` entry) gets its own verifier: its keys, audience, algorithm allowlist and
 * claim mapping. A token is handed to the verifier its **unverified** `iss` names, before any key
 * is fetched; a token naming no trusted issuer is refused without a single network call, so an
 * attacker cannot make this server contact hosts, or exhaust a JWKS refresh budget, by minting
 * tokens with made-up issuers.
 *
 * The unverified `iss` only selects which checks run: the selected verifier still requires a
 * valid signature from that issuer's keys and an exact `iss` match (RFC 8725 §3.1).
 *
 * With a single issuer (the common case) there is nothing to route, so the payload is not decoded
 * ahead of jose (that decode was a tenth of an uncached token's cost). The remote JWKS
 * checks the unverified `iss` instead, only before a fetch the token would cause, so a foreign
 * issuer's token still never makes this server contact the provider.
 *
 * @module
 */

import { base64url, decodeJwt, type FlattenedJWSInput } from 'jose';
import type { AuthenticatorOptions } from '../authenticate/authenticator-types.js';
import type { WardenConfig } from '../config/config-schema.js';
import { expectedAudiences } from '../config/expected-audiences.js';
import { configName } from '../config/load-config.js';
import { COULD_NOT_VALIDATE, invalidToken } from '../errors/auth-failures.js';
import type { Logger } from '../logging/logger.js';
import { acceptedIssuersFor, claimMappingFor } from '../presets/provider-presets.js';
import { chooseJwsEngine } from './choose-jws-engine.js';
import { buildKeyResolver } from './jwt-key-resolver.js';
import { createJwtVerifyNow, type VerifiedJwt, type VerifyJwtNow } from './jwt-verifier.js';
import type { RemoteJwks } from './remote-jwks.js';
import type { WaitUntil } from './static-jwt-keys.js';

/** JWT validation routed by issuer. */
export interface JwtIssuerRouter {
  /** Whether any issuer can verify JWTs (false: no key, secret, JWKS or issuer is configured). */
  readonly configured: boolean;
  /**
   * Verifies a JWT with its issuer's verifier: the result itself when the engine answered
   * synchronously, else a promise. Throws (or rejects with) AuthError: 401, or 503 when keys are
   * unavailable. `waitUntil` receives any key fetch the call starts (`AuthRequest.waitUntil`).
   */
  verify(token: string, waitUntil?: WaitUntil): VerifiedJwt | Promise<VerifiedJwt>;
  /** Releases every remote JWKS. */
  close(): void;
  /** The engine that checks signatures (`MCP_JWT_ENGINE` resolved at start-up). */
  readonly engine: 'node' | 'jose';
}

type Verify = VerifyJwtNow;

/** Unverified `iss` values are attacker-chosen: logged at most this long. */
const MAX_LOGGED_ISSUER = 200;

/**
 * Builds one verifier per configured issuer (importing static keys now, so bad keys fail at
 * start-up) and the router in front of them.
 *
 * @throws {ConfigError} when a configured key is unusable.
 */
export async function createJwtIssuerRouter(
  config: WardenConfig,
  options: AuthenticatorOptions,
  logger: Logger,
): Promise<JwtIssuerRouter> {
  const remotes: RemoteJwks[] = [];
  // Chosen once, at start-up: every verifier of this authenticator uses the same engine.
  const { name: engineName, engine } = chooseJwsEngine(config.jwtEngine, configName(config, 'jwtEngine'));
  const byIssuer = new Map<string, Verify>();
  /** The single-issuer mode without MCP_JWT_ISSUER: one verifier, `iss` not checked. */
  let issuerless: Verify | undefined;

  if (config.jwtEnabled) {
    const trusted = config.trustedIssuers;
    // With trusted issuers, MCP_OAUTH_SERVER_URL alone (no MCP_JWT_ISSUER) only describes the
    // authorization server for metadata: a verifier without an issuer could not be routed to.
    const discoveryIssuer = config.jwtIssuer ?? (trusted.length === 0 ? config.oauthServerUrl : undefined);
    const primaryIssuers =
      config.jwtIssuer === undefined ? undefined : acceptedIssuersFor(config.jwtIssuer, config.provider);
    const primary = await buildKeyResolver(
      {
        algorithms: config.jwtAlgorithms,
        secret: config.jwtSecret,
        publicKey: config.jwtPublicKey,
        publicKeyFile: config.jwtPublicKeyFile,
        jwksUri: config.oauthJwksUri,
        discoveryIssuer,
        allowInsecureHttp: config.allowInsecureHttp,
        ...(primaryIssuers === undefined ? {} : { checkBeforeFetch: refuseForeignIssuer(primaryIssuers, logger) }),
        labels: {
          publicKey: configName(config, 'jwtPublicKey'),
          publicKeyFile: configName(config, 'jwtPublicKeyFile'),
          jwksUri: configName(config, 'oauthJwksUri'),
          algorithms: configName(config, 'jwtAlgorithms'),
        },
      },
      options,
      logger,
    );
    if (primary.remoteJwks) remotes.push(primary.remoteJwks);
    if (primary.resolveKey) {
      const verify = createJwtVerifyNow({
        algorithms: config.jwtAlgorithms,
        issuer: primaryIssuers,
        audiences: expectedAudiences(config),
        clockTolerance: config.jwtClockTolerance,
        requireAtJwtType: config.jwtRequireAtJwtType,
        resourceUrl: config.resourceUrl,
        resolveKey: primary.resolveKey,
        knownKey: primary.knownKey,
        claims: claimMappingFor(config.provider),
        engine,
      });
      if (primaryIssuers === undefined) issuerless = verify;
      else for (const issuer of primaryIssuers) byIssuer.set(issuer, verify);
    }

    for (const [index, entry] of trusted.entries()) {
      const label = `${configName(config, 'trustedIssuers')} entry ${index + 1}`;
      const acceptedIssuers = acceptedIssuersFor(entry.issuer, entry.provider);
      const built = await buildKeyResolver(
        {
          algorithms: entry.algorithms,
          publicKey: entry.publicKey,
          publicKeyFile: entry.publicKeyFile,
          jwksUri: entry.jwksUri,
          discoveryIssuer: entry.issuer,
          allowInsecureHttp: config.allowInsecureHttp,
          checkBeforeFetch: refuseForeignIssuer(acceptedIssuers, logger),
          labels: {
            publicKey: `${label} publicKey`,
            publicKeyFile: `${label} publicKeyFile`,
            jwksUri: `${label} jwksUri`,
            algorithms: `${label} algorithms`,
          },
        },
        options,
        logger,
      );
      if (built.remoteJwks) remotes.push(built.remoteJwks);
      const verify = createJwtVerifyNow({
        algorithms: entry.algorithms,
        issuer: acceptedIssuers,
        audiences: expectedAudiences(config, entry.audience),
        clockTolerance: config.jwtClockTolerance,
        requireAtJwtType: config.jwtRequireAtJwtType,
        resourceUrl: config.resourceUrl,
        resolveKey: built.resolveKey!, // a trusted issuer always has a key, a JWKS URI or discovery
        knownKey: built.knownKey,
        claims: claimMappingFor(entry.provider),
        engine,
      });
      for (const issuer of acceptedIssuers) byIssuer.set(issuer, verify);
    }
    if (issuerless && byIssuer.size > 0) {
      // Prevented by configuration rules; kept as a guard so a token is never routed ambiguously.
      throw new TypeError('a JWT key without MCP_JWT_ISSUER cannot be combined with trusted issuers');
    }
  }

  const trustedCount = byIssuer.size;
  const verifiers = new Set(byIssuer.values());
  // One verifier (one issuer, possibly spelled several ways by a preset): nothing to route.
  const only = issuerless ?? (verifiers.size === 1 ? verifiers.values().next().value : undefined);
  if (config.jwtEnabled && (issuerless !== undefined || trustedCount > 0)) {
    logger.debug({ engine: engineName }, 'JWT signatures are checked by the chosen engine');
  }
  return {
    engine: engineName,
    configured: issuerless !== undefined || trustedCount > 0,
    verify(token: string, waitUntil?: WaitUntil): VerifiedJwt | Promise<VerifiedJwt> {
      if (only) return only(token, waitUntil);
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch (error) {
        throw invalidToken('ERR_CREDENTIALS_INVALID', COULD_NOT_VALIDATE, error);
      }
      const verify = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
      if (verify === undefined) {
        logger.debug(
          { issuer: typeof iss === 'string' ? iss.slice(0, MAX_LOGGED_ISSUER) : null, trustedIssuers: trustedCount },
          'JWT refused before any key lookup: its issuer is not trusted',
        );
        throw invalidToken(
          'ERR_ISSUER_MISMATCH',
          'Invalid token issuer',
          new Error('the token names no trusted issuer'),
        );
      }
      logger.debug({ issuer: iss }, 'JWT routed to the verifier of its issuer');
      return verify(token, waitUntil);
    },
    close() {
      for (const remote of remotes) remote.close();
    },
  };
}

/**
 * The JWKS guard of one issuer: a token whose unverified `iss` is not one of `accepted` is refused
 * before it can cause a fetch. Runs only when a fetch is due, never on a token whose key is known.
 */
function refuseForeignIssuer(accepted: readonly string[], logger: Logger): (token: FlattenedJWSInput) => void {
  const issuers = new Set(accepted);
  return (token) => {
    const iss = unverifiedIssuer(token.payload);
    if (typeof iss === 'string' && issuers.has(iss)) return;
    logger.debug(
      { issuer: typeof iss === 'string' ? iss.slice(0, MAX_LOGGED_ISSUER) : null },
      'JWT refused before any key fetch: its issuer is not trusted',
    );
    throw invalidToken('ERR_ISSUER_MISMATCH', 'Invalid token issuer', new Error('the token names another issuer'));
  };
}

const utf8 = new TextDecoder();

/** The `iss` of a JWS payload segment, unverified; undefined when it does not decode. */
function unverifiedIssuer(payload: FlattenedJWSInput['payload']): unknown {
  if (typeof payload !== 'string') return undefined;
  try {
    return (JSON.parse(utf8.decode(base64url.decode(payload))) as { iss?: unknown } | null)?.iss;
  } catch {
    return undefined;
  }
}

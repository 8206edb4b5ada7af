/**
 * The key resolver of one issuer: HS* tokens get the shared secret only, everything else gets the
 * public key (inline or file) or the remote JWKS (configured or discovered from the issuer).
 * Dispatching on the allowlisted `alg` keeps a public key from ever being used as an HMAC secret
 * (RFC 8725 §3.1). Static keys are imported here, at start-up.
 *
 * @module
 */

import type { FlattenedJWSInput } from 'jose';
import type { AuthenticatorOptions } from '../authenticate/authenticator-types.js';
import { ConfigError } from '../errors/config-error.js';
import type { Logger } from '../logging/logger.js';
import { isSymmetricAlgorithm } from './jwt-algorithms.js';
import { KeyFileError, readKeyFile } from './read-key-file.js';
import { RemoteJwks } from './remote-jwks.js';
import {
  importPublicKeys,
  type JwtKeyResolver,
  NoUsableKeyError,
  secretKeyResolver,
  type WaitUntil,
} from './static-jwt-keys.js';

/** Where one issuer's verification keys come from. */
export interface JwtKeySource {
  algorithms: readonly string[];
  secret?: string;
  publicKey?: string;
  publicKeyFile?: string;
  jwksUri?: string;
  /** The issuer to discover `jwks_uri` from when no key and no JWKS URI are given (RFC 7517). */
  discoveryIssuer?: string;
  allowInsecureHttp: boolean;
  /** Runs on a token before any JWKS fetch it would cause; throwing refuses it (see RemoteJwks). */
  checkBeforeFetch?: (token: FlattenedJWSInput) => void;
  /** How to name each source in a ConfigError or a log line (variable names, or a trusted-issuer entry). */
  labels: { publicKey: string; publicKeyFile: string; jwksUri: string; algorithms: string };
}

/** A resolver, and the remote JWKS behind it (to close), when the source has any key. */
export interface BuiltKeyResolver {
  resolveKey?: JwtKeyResolver;
  /** The key already chosen for an encoded protected header, when a remote JWKS remembers one. */
  knownKey?: (encodedHeader: string, waitUntil?: WaitUntil) => CryptoKey | Uint8Array | undefined;
  remoteJwks?: RemoteJwks;
}

/**
 * Builds the resolver of a key source.
 *
 * @throws {ConfigError} when a key file cannot be read or a key cannot serve any allowed algorithm.
 */
export async function buildKeyResolver(
  source: JwtKeySource,
  options: AuthenticatorOptions,
  logger: Logger,
): Promise<BuiltKeyResolver> {
  const secret = source.algorithms.some(isSymmetricAlgorithm) ? secretKeyResolver(source.secret) : undefined;
  let asymmetric: JwtKeyResolver | undefined;
  let remoteJwks: RemoteJwks | undefined;
  const hasAsymmetric = source.algorithms.some((alg) => !isSymmetricAlgorithm(alg));

  if (hasAsymmetric && (source.publicKey !== undefined || source.publicKeyFile !== undefined)) {
    const variable = source.publicKey !== undefined ? source.labels.publicKey : source.labels.publicKeyFile;
    let text: string;
    try {
      text = source.publicKey ?? readKeyFile(source.publicKeyFile!);
    } catch (error) {
      if (error instanceof KeyFileError) throw new ConfigError([{ variable, message: error.message }]);
      throw error;
    }
    asymmetric = await importPublicKeys(text, source.algorithms, variable, source.labels.algorithms);
    if (source.jwksUri !== undefined) {
      logger.warn({ variable }, `${variable} is set: ${source.labels.jwksUri} is not used to verify tokens`);
    }
  } else if (hasAsymmetric && (source.jwksUri !== undefined || source.discoveryIssuer !== undefined)) {
    remoteJwks = new RemoteJwks({
      jwksUri: source.jwksUri,
      issuer: source.discoveryIssuer,
      allowInsecureHttp: source.allowInsecureHttp,
      fetch: options.fetch,
      logger,
      ...(source.checkBeforeFetch === undefined ? {} : { checkBeforeFetch: source.checkBeforeFetch }),
      ...options.jwks,
    });
    asymmetric = remoteJwks.getKey;
  }

  if (!secret && !asymmetric) return {};
  const resolveKey: JwtKeyResolver = (header, token, waitUntil) => {
    const resolver = isSymmetricAlgorithm(header.alg ?? '') ? secret : asymmetric;
    if (!resolver) throw new NoUsableKeyError(`no key configured for ${header.alg}`);
    return resolver(header, token, waitUntil);
  };
  if (remoteJwks === undefined) return { resolveKey };
  // Only asymmetric headers ever reach the remote JWKS, so it never knows a key for an HS* header:
  // those keep going through resolveKey and the shared secret (RFC 8725 §3.1).
  return {
    resolveKey,
    knownKey: (encodedHeader, waitUntil) => remoteJwks.knownKey(encodedHeader, waitUntil),
    remoteJwks,
  };
}

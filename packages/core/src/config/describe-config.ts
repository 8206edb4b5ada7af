/**
 * A redacted view of the effective configuration for start-up logs: secrets as `***`, public keys
 * as a kind and a fingerprint, credentials inside URLs removed (a key is never logged, docs/security.md).
 *
 * @module
 */

import type { BasicAuthUser } from '../basic-auth/basic-auth-users.js';
import { KeyMaterialError, parseKeyMaterial } from '../jwt/key-material.js';
import type { WardenConfig } from './config-schema.js';
import { expectedAudiences } from './expected-audiences.js';
import type { TrustedIssuer } from './trusted-issuers.js';

const REDACTED = '***';
const URL_KEYS = new Set<keyof WardenConfig>([
  'jwtIssuer',
  'oauthServerUrl',
  'oauthAuthorizationEndpoint',
  'oauthTokenEndpoint',
  'oauthRegistrationEndpoint',
  'oauthJwksUri',
  'oauthIntrospectionEndpoint',
  'resourceUrl',
  'resourceDocumentation',
]);

/**
 * Describes a configuration for logs. Safe to print: no secret, API key or credential appears.
 *
 * @example
 * ```ts
 * logger.info({ config: describeConfig(config) }, 'mcp-warden configuration');
 * // { apiKeys: ['***', '***'], jwtSecret: '***', jwtPublicKey: 'SPKI PEM, fingerprint 9f3a1c0b', ... }
 * ```
 */
export function describeConfig(config: WardenConfig): Record<string, unknown> {
  const described: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config) as [keyof WardenConfig, unknown][]) {
    if (value === undefined) continue;
    if (key === 'apiKeys') described[key] = (value as string[]).map(() => REDACTED);
    // User ids may be logged (they name callers); a password or its digest never.
    else if (key === 'basicAuthUsers') described[key] = (value as BasicAuthUser[]).map(describeBasicUser);
    else if (key === 'jwtSecret' || key === 'oauthClientSecret') described[key] = REDACTED;
    else if (key === 'jwtPublicKey') described[key] = describeKey(value as string);
    // The audiences tokens must name, the default (the resource URL's spellings) worked out.
    else if (key === 'jwtAudience') described[key] = expectedAudiences(config);
    else if (key === 'trustedIssuers') described[key] = (value as TrustedIssuer[]).map(describeTrustedIssuer);
    else if (URL_KEYS.has(key) && typeof value === 'string') described[key] = withoutCredentials(value);
    else if (Array.isArray(value)) described[key] = [...value];
    else if (typeof value === 'object' && value !== null) described[key] = { ...value };
    else described[key] = value;
  }
  return described;
}

function describeBasicUser({ user, passwordSha256 }: BasicAuthUser): string {
  return passwordSha256 === undefined ? `${user}:${REDACTED}` : `${user}:sha256:${REDACTED}`;
}

function describeTrustedIssuer(entry: TrustedIssuer): Record<string, unknown> {
  const described: Record<string, unknown> = { ...entry, issuer: withoutCredentials(entry.issuer) };
  if (entry.jwksUri !== undefined) described.jwksUri = withoutCredentials(entry.jwksUri);
  if (entry.publicKey !== undefined) described.publicKey = describeKey(entry.publicKey);
  return described;
}

function describeKey(text: string): string {
  try {
    const key = parseKeyMaterial(text);
    switch (key.kind) {
      case 'spki-pem':
        return `SPKI PEM, fingerprint ${fingerprint(key.pem)}`;
      case 'x509-pem':
        return `X.509 certificate PEM, fingerprint ${fingerprint(key.pem)}`;
      case 'jwk':
        return `JWK ${key.jwk.kty}${key.jwk.kid ? ` kid=${key.jwk.kid}` : ''}, fingerprint ${fingerprint(JSON.stringify(key.jwk))}`;
      case 'jwks':
        return `JWKS with ${key.jwks.keys.length} key(s) [${key.jwks.keys.map((k) => k.kid ?? k.kty).join(', ')}], fingerprint ${fingerprint(JSON.stringify(key.jwks))}`;
    }
  } catch (error) {
    if (!(error instanceof KeyMaterialError)) throw error;
    return 'unparseable key';
  }
}

/**
 * FNV-1a (32-bit) of the key text: enough to tell in logs whether two deployments use the same
 * public key. Not a security control; public keys are not secret, the fingerprint only keeps
 * multi-line material out of log lines. (describeConfig is synchronous, WebCrypto digests are not.)
 */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function withoutCredentials(value: string): string {
  try {
    const url = new URL(value);
    if (url.username === '' && url.password === '') return value;
    url.username = REDACTED;
    url.password = '';
    return url.href;
  } catch {
    return value;
  }
}

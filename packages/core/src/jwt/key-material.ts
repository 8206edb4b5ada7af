/**
 * Recognises the public-key formats `MCP_JWT_PUBLIC_KEY` / `MCP_JWT_PUBLIC_KEY_FILE` accept
 * (SPKI PEM, X.509 certificate PEM, a JWK, a JWKS) without importing them, so configuration can
 * reject a broken or private key synchronously, with a message that never echoes the key.
 * The real import (jose) happens once in `createAuthenticator`.
 *
 * @module
 */

import type { JWK } from 'jose';

/** A recognised public key, ready for import. */
export type KeyMaterial =
  | { kind: 'spki-pem'; pem: string }
  | { kind: 'x509-pem'; pem: string }
  | { kind: 'jwk'; jwk: JWK }
  | { kind: 'jwks'; jwks: { keys: JWK[] } };

/** Why key text was refused; `message` is safe to show (it never contains the key). */
export class KeyMaterialError extends Error {
  override name = 'KeyMaterialError';
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses key text. Env values often carry a PEM on one line with literal `\n` sequences: those are
 * turned into newlines first.
 */
export function parseKeyMaterial(text: string): KeyMaterial {
  const trimmed = text.trim();
  if (trimmed === '') throw new KeyMaterialError('is empty');
  if (trimmed.startsWith('{')) return parseJsonKey(trimmed);
  if (trimmed.includes('-----BEGIN')) return parsePem(trimmed.replace(/\\n/g, '\n'));
  throw new KeyMaterialError(
    'is neither a PEM public key ("-----BEGIN PUBLIC KEY-----"), a PEM certificate, a JWK nor a JWKS',
  );
}

function parsePem(text: string): KeyMaterial {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new KeyMaterialError('is not a complete PEM block (missing or mismatched END line)');
  if (blocks.length > 1) {
    throw new KeyMaterialError(`contains ${blocks.length} PEM blocks; provide exactly one public key or certificate`);
  }
  const [whole, label = '', body = ''] = blocks[0]!;
  if (text.replace(whole, '').trim() !== '') throw new KeyMaterialError('has text outside the PEM block');
  if (label.includes('PRIVATE')) {
    throw new KeyMaterialError('is a private key; configure only the public key (never share the private key)');
  }
  if (label === 'RSA PUBLIC KEY') {
    throw new KeyMaterialError(
      'is a PKCS#1 "RSA PUBLIC KEY"; convert it to SPKI with `openssl rsa -RSAPublicKey_in -in key.pem -pubout`',
    );
  }
  if (label !== 'PUBLIC KEY' && label !== 'CERTIFICATE') {
    throw new KeyMaterialError(`is a PEM "${label}" block; expected "PUBLIC KEY" (SPKI) or "CERTIFICATE" (X.509)`);
  }
  const base64 = body.replace(/\s+/g, '');
  if (!BASE64_BODY.test(base64)) throw new KeyMaterialError('has a PEM body that is not valid base64');
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    throw new KeyMaterialError('has a PEM body that is not valid base64');
  }
  if (!isDerSequence(der)) throw new KeyMaterialError('has a PEM body that is not a DER-encoded key or certificate');
  const pem = `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----`;
  return label === 'CERTIFICATE' ? { kind: 'x509-pem', pem } : { kind: 'spki-pem', pem };
}

/**
 * A cheap structural check that the bytes are one DER SEQUENCE filling the buffer exactly, which
 * catches truncated or garbage PEM bodies at configuration time.
 */
function isDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return 2 + first === der.length;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || der.length < 2 + octets) return false;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i]!;
  return 2 + octets + length === der.length;
}

function parseJsonKey(text: string): KeyMaterial {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyMaterialError('looks like JSON but does not parse; expected a JWK or a JWKS');
  }
  if (!isObject(value)) throw new KeyMaterialError('is not a JSON object; expected a JWK or a JWKS');
  if ('keys' in value) {
    const keys = value.keys;
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new KeyMaterialError('is a JWKS whose "keys" is not a non-empty array');
    }
    for (const [index, key] of keys.entries()) checkPublicJwk(key, `key ${index + 1} of the JWKS`);
    return { kind: 'jwks', jwks: { keys: keys as JWK[] } };
  }
  checkPublicJwk(value, 'the JWK');
  return { kind: 'jwk', jwk: value as JWK };
}

function checkPublicJwk(value: unknown, where: string): void {
  if (!isObject(value) || typeof value.kty !== 'string') throw new KeyMaterialError(`${where} has no "kty"`);
  if (value.kty === 'oct') {
    throw new KeyMaterialError(`${where} is a symmetric ("oct") key; use MCP_JWT_SECRET for HS* algorithms`);
  }
  if ('d' in value || 'p' in value || 'k' in value) {
    throw new KeyMaterialError(`${where} contains private key material; configure only the public key`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Hand-assembled JWS, for headers and payloads no JOSE library would sign (unknown `crit`, a `kid`
 * that is not a string, a payload that is itself a token): base64url segments and an RSA or HMAC
 * signature from node:crypto over them.
 *
 * @module
 */
import { createHmac, createSign, KeyObject } from 'node:crypto';
import type { CryptoKey } from 'jose';

/** base64url of a JSON value, or of a string as is. */
export function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS over `header` and `payload`, RS256-signed with `privateKey`. */
export function signRs256(header: unknown, payload: unknown, privateKey: CryptoKey): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const signature = createSign('RSA-SHA256')
    .update(input)
    .sign(KeyObject.from(privateKey as never));
  return `${input}.${signature.toString('base64url')}`;
}

/** A compact JWS over `header` and `payload`, HS256-signed with `secret`. */
export function signHs256(header: unknown, payload: unknown, secret: Uint8Array | string): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

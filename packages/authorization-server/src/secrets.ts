/**
 * Keys derived from the one server secret (`MCP_AUTH_SERVER_SECRET`), each for one purpose
 * (HKDF, RFC 5869): the encryption key of the stored upstream tokens, the keys of oidc-provider's
 * signed cookies and the key of the consent form's anti-forgery token. Instances given the same
 * secret read each other's cookies and tokens; no key is ever logged.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The derived keys. */
export interface ServerKeys {
  readonly tokenEncryption: Buffer;
  readonly cookieKeys: string[];
  readonly consent: Buffer;
}

function derive(root: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `mcp-warden authorization server: ${purpose}`, 32));
}

/** Derives every key from `secret`, or from a random root when there is none (one process only). */
export function deriveServerKeys(secret: string | undefined): ServerKeys {
  const root = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  return {
    tokenEncryption: derive(root, 'upstream token encryption'),
    cookieKeys: [derive(root, 'cookies').toString('base64url')],
    consent: derive(root, 'consent form'),
  };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 96-bit IV (NIST SP 800-38D); `context` (the account) is authenticated
 * as additional data, so a sealed value moved to another account does not open.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens what {@link seal} produced; `undefined` when the key, context or bytes do not match. */
export function open(key: Buffer, sealed: string, context: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The anti-forgery token of the consent form of interaction `uid`. */
export function consentToken(key: Buffer, uid: string): string {
  return createHmac('sha256', key).update(uid).digest('base64url');
}

/** Constant-time comparison of two strings. */
export function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

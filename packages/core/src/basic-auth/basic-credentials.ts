/**
 * Reads `Authorization: Basic <credentials>` (RFC 7617 §2): the scheme in any case (RFC 9110
 * §11.1), then the base64 (RFC 4648 §4) of `user-id ":" password` in UTF-8 (RFC 7617 §2.1, the
 * `charset="UTF-8"` the challenge announces). The first colon ends the user id, so a password may
 * contain colons. Anything else under this scheme is malformed, and answered 400, never 5xx.
 *
 * @module
 */

/** What an `Authorization` header carried under the Basic scheme. */
export type BasicCredentials =
  | {
      kind: 'basic';
      /** The user id, in Unicode NFC (RFC 7617 §2.1 prepares it with RFC 8265, whose normalisation is NFC). */
      user: string;
      /** The password, in Unicode NFC. Never log it. */
      password: string;
      /** The base64 credentials exactly as sent (`AuthInfo.token`). */
      credentials: string;
    }
  | { kind: 'malformed'; reason: BasicMalformedReason };

/**
 * Why a Basic header was refused: no credentials after the scheme, not canonical base64, not
 * UTF-8, no colon, or a control character (RFC 7617 §2).
 */
export type BasicMalformedReason = 'missing' | 'base64' | 'utf8' | 'colon' | 'control';

const BASIC = /^basic(?: +(.*))?$/is;
/** RFC 4648 §4 with its padding: four characters per three bytes. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether `text` holds a control character (U+0000–U+001F, U+007F), which RFC 7617 §2 forbids in a user id or password. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Whether `header` uses the Basic scheme (what {@link parseBasicAuthorization} reads). */
export function isBasicScheme(header: string | null | undefined): boolean {
  return typeof header === 'string' && BASIC.test(header.trim());
}

/**
 * The credentials of a Basic `Authorization` header, or `undefined` when the header does not use
 * the Basic scheme. The base64 must be canonical (RFC 4648 §3.5: padding, and zero bits after the
 * last byte), so each user id and password has exactly one spelling on the wire.
 *
 * @example
 * ```ts
 * parseBasicAuthorization('Basic YWxpY2U6czNjcjN0OndpdGg6Y29sb25z');
 * // { kind: 'basic', user: 'alice', password: 's3cr3t:with:colons', credentials: 'YWxp…' }
 * parseBasicAuthorization('Basic not base64!'); // { kind: 'malformed', reason: 'base64' }
 * parseBasicAuthorization('Bearer abc'); // undefined
 * ```
 */
export function parseBasicAuthorization(header: string | null | undefined): BasicCredentials | undefined {
  if (typeof header !== 'string') return undefined;
  const match = BASIC.exec(header.trim());
  if (match === null) return undefined;
  const credentials = match[1];
  if (credentials === undefined || credentials === '') return { kind: 'malformed', reason: 'missing' };
  if (!BASE64.test(credentials)) return { kind: 'malformed', reason: 'base64' };
  const binary = atob(credentials);
  if (btoa(binary) !== credentials) return { kind: 'malformed', reason: 'base64' };
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'malformed', reason: 'utf8' };
  }
  const colon = text.indexOf(':');
  if (colon < 0) return { kind: 'malformed', reason: 'colon' };
  if (hasControlCharacter(text)) return { kind: 'malformed', reason: 'control' };
  return {
    kind: 'basic',
    user: text.slice(0, colon).normalize('NFC'),
    password: text.slice(colon + 1).normalize('NFC'),
    credentials,
  };
}

/**
 * The users HTTP Basic authentication accepts (`MCP_BASIC_AUTH_USERS`, `basicAuthUsers`): each a
 * user id with its password, or, preferably, the SHA-256 digest of the password, so the password
 * itself never has to sit in the environment (the idea of `MCP_API_KEYS`' `sha256:` entries).
 * Read by the configuration schema; every problem is reported at start-up, never the password.
 *
 * @module
 */

import { z } from 'zod';
import { isUnset } from '../config/parse-values.js';
import { hasControlCharacter } from './basic-credentials.js';

/** One user of HTTP Basic authentication, as the resolved configuration holds it. */
export interface BasicAuthUser {
  /** The user id (RFC 7617 §2), in Unicode NFC; becomes `AuthInfo.clientId` and `extra.subject`. */
  readonly user: string;
  /** The password in clear, in Unicode NFC (`user:password`). Exactly one of `password` and `passwordSha256`. */
  readonly password?: string;
  /** The SHA-256 of the password's UTF-8 bytes, 64 lower-case hex digits (`user:sha256:<hex>`). */
  readonly passwordSha256?: string;
}

/**
 * The fewest characters a password written in clear may have. A Basic password is the only
 * factor and is checked on every request, so NIST SP 800-63B-4 §3.1.1.2 asks for at least 15;
 * 16 is what `openssl rand -hex 8` prints, and a 16-character random password (hex or base64url)
 * carries 64 to 96 bits. A digest (`sha256:`) cannot be measured: its password is the author's
 * responsibility (docs/authentication.md).
 */
export const MIN_BASIC_PASSWORD_LENGTH = 16;

const SHA256_PREFIX = 'sha256:';
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** How to make a good password and configure its digest instead, for every message that asks for one. */
const HOW_TO_GENERATE =
  'generate one with `openssl rand -hex 16`, and configure its digest rather than the password: ' +
  `user:sha256:<hex>, the hex printed by \`node -e "console.log(require('node:crypto').createHash('sha256').update(process.argv[1]).digest('hex'))" "$PASSWORD"\``;

/** A user as written: an entry of the list, before checks. */
interface UserEntry {
  user: string;
  password?: string;
  passwordSha256?: string;
}

/** `entry 2 (user "alice")`: the user id may be shown (it is not a secret), the password never. */
function describeEntry(index: number, user: string | undefined): string {
  if (user === undefined || user === '' || hasControlCharacter(user)) return `entry ${index + 1}`;
  return `entry ${index + 1} (user "${user.length > 40 ? `${user.slice(0, 40)}…` : user}")`;
}

/**
 * `user:password` or `user:sha256:<hex>`: the first colon ends the user id (RFC 7617 §2), so a
 * password may contain colons. Without a colon the entry is refused as a whole, without showing
 * it: it may be a password written alone.
 */
function parseEntryText(text: string): UserEntry | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const user = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (rest.toLowerCase().startsWith(SHA256_PREFIX)) return { user, passwordSha256: rest.slice(SHA256_PREFIX.length) };
  return { user, password: rest };
}

/** An entry of the programmatic form: a string as in the environment, or `{ user, password | passwordSha256 }`. */
function parseEntry(value: unknown): UserEntry | 'shape' | 'colon' {
  if (typeof value === 'string') return parseEntryText(value.trim()) ?? 'colon';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'shape';
  const { user, password, passwordSha256 } = value as Record<string, unknown>;
  if (typeof user !== 'string') return 'shape';
  if ((password === undefined) === (passwordSha256 === undefined)) return 'shape';
  if (password !== undefined && typeof password !== 'string') return 'shape';
  if (passwordSha256 !== undefined && typeof passwordSha256 !== 'string') return 'shape';
  return {
    user,
    ...(password === undefined ? {} : { password }),
    ...(passwordSha256 === undefined
      ? {}
      : {
          passwordSha256: passwordSha256.toLowerCase().startsWith(SHA256_PREFIX)
            ? passwordSha256.slice(SHA256_PREFIX.length)
            : passwordSha256,
        }),
  };
}

/**
 * The zod field of `basicAuthUsers`: a comma-separated `user:password` / `user:sha256:<hex>`
 * string (the environment), or an array of such strings and `{ user, password }` /
 * `{ user, passwordSha256 }` objects (code). Every problem is reported, each naming the entry and
 * its user id, never a password.
 *
 * @example
 * ```ts
 * basicAuthUsersField().parse('alice:sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
 * // [{ user: 'alice', passwordSha256: '9f86d0…' }]
 * ```
 */
export function basicAuthUsersField() {
  return z.unknown().transform((value, ctx): BasicAuthUser[] => {
    if (isUnset(value)) return [];
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    let items: unknown[];
    if (typeof value === 'string') {
      // Entries are trimmed around the commas only: a password is used byte for byte.
      items = value.split(/\s*,\s*/).filter((item) => item.trim() !== '');
    } else if (Array.isArray(value)) {
      items = value;
    } else {
      problem('must be a comma-separated list of user:password or user:sha256:<hex> entries, or an array of them');
      return z.NEVER;
    }
    const users: BasicAuthUser[] = [];
    const seen = new Map<string, number>();
    let failed = false;
    items.forEach((item, index) => {
      const entry = parseEntry(item);
      if (entry === 'shape' || entry === 'colon') {
        failed = true;
        problem(
          entry === 'colon'
            ? `entry ${index + 1} must look like user:password or user:sha256:<64 hex> (the entry is not shown: it may be a password)`
            : `entry ${index + 1} must be a "user:password" string or an object with a string "user" and either "password" or "passwordSha256"`,
        );
        return;
      }
      const user = entry.user.trim().normalize('NFC');
      const where = describeEntry(index, user);
      const problems: string[] = [];
      if (user === '') problems.push('has an empty user id');
      else if (user.includes(':')) problems.push('has a ":" in its user id, which RFC 7617 §2 forbids');
      if (hasControlCharacter(user)) problems.push('has a control character in its user id (RFC 7617 §2)');
      let password: string | undefined;
      if (entry.password !== undefined) {
        password = entry.password.normalize('NFC');
        if (hasControlCharacter(password)) problems.push('has a control character in its password (RFC 7617 §2)');
        const length = [...password].length;
        if (length < MIN_BASIC_PASSWORD_LENGTH) {
          problems.push(
            `has a password of ${length} characters; a password sent with every request needs at least ${MIN_BASIC_PASSWORD_LENGTH} (NIST SP 800-63B-4 §3.1.1.2): ${HOW_TO_GENERATE}`,
          );
        }
      } else if (!SHA256_HEX.test(entry.passwordSha256 ?? '')) {
        problems.push('"sha256:" must be followed by 64 hex characters, the SHA-256 of the password\'s UTF-8 bytes');
      }
      if (user !== '' && !hasControlCharacter(user)) {
        const first = seen.get(user);
        if (first !== undefined) problems.push(`repeats the user id of entry ${first + 1}`);
        else seen.set(user, index);
      }
      if (problems.length > 0) {
        failed = true;
        for (const message of problems) problem(`${where} ${message}`);
        return;
      }
      users.push(
        password === undefined ? { user, passwordSha256: entry.passwordSha256!.toLowerCase() } : { user, password },
      );
    });
    return failed ? z.NEVER : users;
  });
}

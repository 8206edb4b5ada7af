/**
 * The `Basic` challenge offered beside the Bearer one when Basic users are configured (RFC 7617
 * §2, RFC 9110 §11.6.1: one `WWW-Authenticate` field may carry several challenges).
 *
 * @module
 */

import { quoted } from '../challenge/www-authenticate.js';

/**
 * `Basic realm="…", charset="UTF-8"`. The realm is the resource URL (the protection space is the
 * MCP endpoint); `charset="UTF-8"` tells the client how to encode a user id or password outside
 * ASCII (RFC 7617 §2.1).
 *
 * @example
 * ```ts
 * basicChallenge('https://mcp.example.com/mcp'); // 'Basic realm="https://mcp.example.com/mcp", charset="UTF-8"'
 * ```
 */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quoted(realm)}, charset="UTF-8"`;
}

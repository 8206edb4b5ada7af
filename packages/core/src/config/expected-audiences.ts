/**
 * The audiences a token must name (RFC 8707, RFC 9068 §4): the configured `MCP_JWT_AUDIENCE`, or
 * by default this server's own resource URL, in each of its spellings (see
 * `loopback-resource.ts`). Derived where it is used rather than written into the configuration,
 * so a configuration rebuilt with another resource URL expects tokens for that one.
 *
 * @module
 */

import type { WardenConfig } from './config-schema.js';
import { resourceSpellings } from './loopback-resource.js';

/**
 * The audiences accepted by default for a verifier whose own audience list is `configured`.
 *
 * @example
 * ```ts
 * expectedAudiences(defineConfig({ resourceUrl: 'https://mcp.example.com/mcp' }));
 * // ['https://mcp.example.com/mcp']
 * ```
 */
export function expectedAudiences(
  config: Pick<WardenConfig, 'jwtAudience' | 'resourceUrl'>,
  configured: readonly string[] = config.jwtAudience,
): string[] {
  if (configured.length > 0) return [...configured];
  if (config.jwtAudience.length > 0) return [...config.jwtAudience];
  return resourceSpellings(config.resourceUrl);
}

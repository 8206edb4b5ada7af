/**
 * Start-up validation for {@link createMetadataProvider}: the configuration goes through core's
 * own rules (the same schema as `loadConfig`), and so does the issuer of metadata handed in
 * directly, so a plain-http issuer off loopback fails at start-up instead of being published.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  defineConfig,
  isConfigError,
  type WardenConfig,
  type WardenOptions,
} from '@mcp-warden/core';

/**
 * Resolves `input` with core's `defineConfig` (a config from `loadConfig` passes unchanged; a
 * hand-built or partial one gets its defaults and every check) and checks `upstreamIssuer` with
 * the rules core applies to `MCP_JWT_ISSUER`: an absolute https URL, http only on a loopback host
 * or with `allowInsecureHttp`.
 *
 * @throws {ConfigError} listing every problem of both.
 * @example
 * ```ts
 * const config = resolveProviderConfig(loadConfig(process.env), undefined);
 * ```
 */
export function resolveProviderConfig(
  input: WardenConfig | WardenOptions,
  upstreamIssuer: string | undefined,
): WardenConfig {
  const issues: ConfigIssue[] = [];
  let config: WardenConfig | undefined;
  try {
    config = defineConfig(input);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    issues.push(...error.issues);
  }
  if (upstreamIssuer !== undefined) {
    try {
      // Core owns the https/loopback rule; asking it about a one-field configuration reuses it.
      defineConfig({ jwtIssuer: upstreamIssuer, allowInsecureHttp: config?.allowInsecureHttp ?? false });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      issues.push(
        ...error.issues.map((issue) => ({
          variable: 'upstream.issuer',
          message: issue.message.replace(/\bjwtIssuer\b/g, 'upstream.issuer'),
        })),
      );
    }
  }
  if (issues.length > 0 || config === undefined) throw new ConfigError(issues);
  return config;
}

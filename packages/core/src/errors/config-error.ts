/**
 * The one error a bad configuration produces: every problem at once, each naming the variable,
 * what is wrong and what to do, never the offending value (it may be a secret).
 *
 * @module
 */

/** One configuration problem. */
export interface ConfigIssue {
  /** The environment variable (`MCP_JWT_SECRET`) or, for programmatic options, the option name (`jwtSecret`). */
  variable: string;
  /** What is wrong and what to do about it. Never contains the configured value. */
  message: string;
}

const CONFIG_ERROR_BRAND: unique symbol = Symbol.for('mcp-warden.ConfigError') as never;

/**
 * Thrown at start-up by {@link loadConfig}, {@link defineConfig} and `createAuthenticator` when the
 * configuration cannot work. `issues` lists every problem found, not just the first.
 *
 * @example
 * ```ts
 * try {
 *   loadConfig(process.env);
 * } catch (err) {
 *   if (isConfigError(err)) for (const issue of err.issues) console.error(`${issue.variable}: ${issue.message}`);
 *   process.exit(1);
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Brand checked by {@link isConfigError}; survives two copies of core in one tree. */
  readonly [CONFIG_ERROR_BRAND] = true;
  readonly code = 'ERR_CONFIG_INVALID';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.message}`);
    super(
      `Invalid mcp-warden configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Whether `value` is a {@link ConfigError}, from this or any other copy of the package.
 *
 * @example
 * ```ts
 * if (isConfigError(err)) console.error(err.message);
 * ```
 */
export function isConfigError(value: unknown): value is ConfigError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONFIG_ERROR_BRAND] === true;
}

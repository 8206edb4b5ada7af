/**
 * The one logger shape of mcp-warden: what `createAuthenticator` and `createMetadataProvider`
 * write diagnostics to. pino's (`logger.warn(fields, message)`), so a pino logger, a child of one,
 * or `console` is passed as is.
 *
 * @module
 */

/**
 * A structured logger. mcp-warden never puts a token, key or secret in the fields or the message.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const authenticator = await createAuthenticator(config, { logger: pino() });
 * ```
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** The logger used when none is given: every message dropped. */
export const SILENT_LOGGER: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

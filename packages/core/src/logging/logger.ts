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

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * The logger to write to: `logger` itself when it has every level, else one that forwards the
 * levels it has and drops the others, so a logger without `debug` (or `undefined`) never turns a
 * log call into a failed request. Anything that is not an object is refused at construction.
 *
 * @throws {TypeError} when `logger` is neither undefined nor an object.
 */
export function completeLogger(logger: Partial<Logger> | undefined, caller: string): Logger {
  if (logger === undefined || logger === null) return SILENT_LOGGER;
  if (typeof logger !== 'object' && typeof logger !== 'function') {
    throw new TypeError(`${caller}: options.logger must be a logger object (debug, info, warn, error methods)`);
  }
  if (LEVELS.every((level) => typeof logger[level] === 'function')) return logger as Logger;
  const forward = (level: (typeof LEVELS)[number]): Logger[typeof level] => {
    if (typeof logger[level] !== 'function') return () => {};
    // Called on the logger itself: pino's and console's methods need their `this`.
    return (fields, message) => (message === undefined ? logger[level]!(fields) : logger[level]!(fields, message));
  };
  return Object.freeze({
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
  });
}

/**
 * The logger the development issuer writes to. The shape is pino's (`logger.info(obj, msg)`), so a
 * pino logger, a child of one, or `console` can be passed as is.
 *
 * @module
 */

/** One logging method: structured fields first, then the message. */
export type DevIssuerLogFn = (fields: Record<string, unknown>, message: string) => void;

/**
 * Where the development issuer reports what it does. Every method is optional; a missing one drops
 * those messages. Messages never contain tokens, secrets or keys.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const issuer = await createDevIssuer({ logger: pino({ level: 'debug' }) });
 * ```
 */
export interface DevIssuerLogger {
  debug?: DevIssuerLogFn;
  info?: DevIssuerLogFn;
  warn?: DevIssuerLogFn;
  error?: DevIssuerLogFn;
}

/** The levels a {@link DevIssuerLogger} may implement. */
export type DevIssuerLogLevel = keyof DevIssuerLogger;

/** Writes to `logger` at `level` when it implements that level; never throws. */
export function log(
  logger: DevIssuerLogger | undefined,
  level: DevIssuerLogLevel,
  fields: Record<string, unknown>,
  message: string,
): void {
  const fn = logger?.[level];
  if (typeof fn !== 'function') return;
  try {
    fn.call(logger, fields, message);
  } catch {
    // A broken logger must not take the issuer down with it.
  }
}

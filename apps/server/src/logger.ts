/**
 * The server's pino logger: JSON lines by default (for log shippers), human-readable when
 * stdout is a terminal.
 *
 * @module
 */
import pino, { type Logger } from 'pino';

/** Creates the logger for `MCP_LOG_LEVEL`. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    level,
    base: { service: 'mcp-warden' },
    // Defence in depth: nothing here logs headers, but if a caller ever passes them, the
    // credentials are censored rather than written (docs/security.md: a key is never logged).
    redact: {
      paths: ['authorization', 'headers.authorization', 'headers["x-api-key"]', 'token', 'apiKey', '*.token'],
      censor: '***',
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}

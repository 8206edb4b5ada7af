/**
 * Requests Node's HTTP parser refuses before any framework sees them: a header section over the
 * 16 KiB limit (a 1 MB token), control characters in a header value, a broken request line, a
 * request that took too long to arrive. Node's default answer is a bare status line and Fastify's
 * its own JSON shape; every framework of the reference server answers the same JSON
 * `{ "error", "error_description" }` instead, like every other refusal (docs/security.md).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request header fields too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'Chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time'],
};
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'Malformed HTTP request'];
/** How long a refused connection is read (and discarded) after the answer before it is dropped. */
const LINGER_MS = 1000;
/** Connections answered and closing: the parser's further errors on them are not answered again. */
const lingering = new WeakSet<Duplex>();

/**
 * A `clientError` listener (`server.on('clientError', …)`, Fastify's `clientErrorHandler`).
 * Logged at debug with the parser's error code only: the error object also carries the raw bytes
 * received (`rawPacket`), which would put the request's credentials in the log (docs/security.md).
 *
 * @example
 * ```ts
 * server.on('clientError', answerClientError(logger));
 * ```
 */
export function answerClientError(logger: Logger): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed || lingering.has(socket)) return;
    const [status, reason, description] = ANSWERS[error.code ?? ''] ?? MALFORMED;
    logger.debug({ code: error.code, status }, 'malformed HTTP request refused');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: 'invalid_request', error_description: description });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // RFC 9112 §9.6: close the sending side first and keep reading (and discarding) what the client
    // is still sending for a moment. Closing with unread bytes makes the kernel send a reset, which
    // can reach the client before it has read the answer (a 1 MB header still arriving at 431).
    // Node's parser reports each further chunk as another client error: those are ignored.
    lingering.add(socket);
    socket.resume();
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  };
}

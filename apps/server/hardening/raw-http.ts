/**
 * HTTP/1.1 requests written byte for byte on a TCP socket. `fetch` and `http.request` refuse to
 * send what an attacker sends (control characters, a header twice, bytes above 0x7F, a megabyte
 * of header), so hostile input goes out this way and the answer is parsed by hand.
 *
 * @module
 */
import { connect } from 'node:net';

/** A parsed answer. `status` is 0 when the connection ended without a status line. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket error, when there was one (a reset after a refused request is normal). */
  error?: string;
  /** Milliseconds from the first byte written to the connection's end. */
  elapsedMs: number;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** Header lines in order, repeats allowed; values are written as given (latin1 bytes). */
  headers?: [string, string][];
  body?: string;
  /** Give up (status 0) after this long; default 15 s. */
  timeoutMs?: number;
  /** The Host line's value; default `127.0.0.1:<port>`. */
  host?: string;
}

/** The body the suite posts: the MCP `tools/list` request, accepted by every protocol revision. */
export const TOOLS_LIST_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse(raw: Buffer): Pick<RawResponse, 'status' | 'headers' | 'body'> {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headEnd === -1 ? raw.length : headEnd).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = headEnd === -1 ? Buffer.alloc(0) : raw.subarray(headEnd + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = decodeChunked(body);
  return { status, headers, body: body.toString('utf8') };
}

/**
 * Sends one request with `Connection: close` and reads until the server closes. A server that
 * resets the connection while the request is still being written (an oversized header) is
 * answered with what it managed to send, if anything.
 *
 * @example
 * ```ts
 * const res = await rawRequest(port, { headers: [['authorization', 'Bearer a'], ['authorization', 'Bearer b']] });
 * res.status; // 400
 * ```
 */
export function rawRequest(port: number, request: RawRequest = {}): Promise<RawResponse> {
  const method = request.method ?? 'POST';
  const body = request.body ?? (method === 'POST' ? TOOLS_LIST_BODY : '');
  const host = request.host ?? `127.0.0.1:${port}`;
  const lines = [`${method} ${request.path ?? '/mcp'} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  if (method === 'POST') {
    lines.push('Content-Type: application/json', 'Accept: application/json, text/event-stream');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  const payload = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body, 'utf8')]);

  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const response = parse(Buffer.concat(chunks));
      resolve({ ...response, ...(error === undefined ? {} : { error }), elapsedMs: performance.now() - started });
    };
    const timer = setTimeout(() => {
      error = 'timeout';
      finish();
    }, request.timeoutMs ?? 15_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // 'close' follows every 'error': finishing there keeps whatever was read before the reset.
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause.code ?? cause.message;
    });
    socket.on('close', finish);
    socket.on('end', finish);
    // One write: the kernel takes the whole request at once, so a server that answers early (431)
    // and resets the connection still gets its answer read before the reset is reported.
    socket.once('connect', () => socket.write(payload));
  });
}

/** The JSON body of a raw answer, or `undefined` when it is not JSON. */
export function jsonOf(response: RawResponse): Record<string, unknown> | undefined {
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The request-body rules every adapter applies the same way: one size limit, refused with 413 as
 * soon as a body passes it (by its declared `Content-Length`, or while it streams in, never after
 * reading it all); only bodies an MCP server can read (JSON in UTF-8, no content coding); and a
 * bound on JSON nesting, checked on the text before anything that recurses sees it. The answers
 * are 4xx with the JSON body of every refusal: a client's bad body is never a 5xx. See
 * docs/security.md, "Request bodies".
 *
 * @module
 */

/** Status, headers and JSON body of a refused request body; the same in every adapter. */
export interface BodyRefusal {
  readonly status: 400 | 413 | 415;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: 'invalid_request'; readonly error_description: string };
}

function refusal(
  status: BodyRefusal['status'],
  description: string,
  headers: Record<string, string> = {},
): BodyRefusal {
  return Object.freeze({
    status,
    headers: Object.freeze(headers),
    body: Object.freeze({ error: 'invalid_request', error_description: description }),
  });
}

/**
 * 413: the body is longer than the configured `maxBodyBytes` (RFC 9110 §15.5.14). The rest of the
 * body is never read: `Connection: close` ends the connection once the answer is written
 * (RFC 9112 §9.6), so the client is not left sending into a connection nobody reads.
 */
export const BODY_TOO_LARGE: BodyRefusal = refusal(413, 'Request body too large', { Connection: 'close' });

/** 415: a `Content-Encoding` other than `identity` (RFC 9110 §15.5.16: the server names what it takes). */
export const BODY_ENCODING_UNSUPPORTED: BodyRefusal = refusal(
  415,
  'Unsupported Content-Encoding; send the body uncompressed',
);

/** 415: a JSON body declared in a charset other than UTF-8 (RFC 8259 §8.1: JSON is UTF-8). */
export const BODY_CHARSET_UNSUPPORTED: BodyRefusal = refusal(415, 'Unsupported charset; JSON must be UTF-8');

/** 400: the body could not be read as declared (a broken compressed stream, a short body). */
export const BODY_UNREADABLE: BodyRefusal = refusal(400, 'Request body could not be read');

/** 400: JSON nested deeper than {@link MAX_JSON_NESTING}. */
export const JSON_TOO_DEEP: BodyRefusal = refusal(400, 'JSON body nested too deeply');

/**
 * Deepest JSON nesting (objects and arrays) a body may have. An MCP message with its tool
 * arguments rarely passes ten levels; a few thousand exhaust the stack of code that walks the
 * value recursively (serialisers, validators).
 */
export const MAX_JSON_NESTING = 64;

const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** Whether a `Content-Type` names JSON (`application/json`, `application/*+json`), with or without parameters. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  return typeof contentType === 'string' && JSON_MEDIA_TYPE.test(contentType);
}

/**
 * What is wrong with a body's declared form before a byte of it is read: a `Content-Length` over
 * `maxBytes` (413), a content coding (415), a JSON body in a charset other than UTF-8 (415).
 * `undefined` when the body may be read.
 *
 * @example
 * ```ts
 * const refusal = bodyHeadersProblem(req.headers['content-length'], req.headers['content-encoding'], req.headers['content-type'], config.maxBodyBytes);
 * if (refusal) return res.status(refusal.status).json(refusal.body);
 * ```
 */
export function bodyHeadersProblem(
  contentLength: string | null | undefined,
  contentEncoding: string | null | undefined,
  contentType: string | null | undefined,
  maxBytes: number,
): BodyRefusal | undefined {
  if (typeof contentLength === 'string' && contentLength !== '') {
    const declared = Number(contentLength);
    if (!Number.isFinite(declared) || declared > maxBytes) return BODY_TOO_LARGE;
  }
  if (
    typeof contentEncoding === 'string' &&
    contentEncoding.trim() !== '' &&
    contentEncoding.trim().toLowerCase() !== 'identity'
  ) {
    return BODY_ENCODING_UNSUPPORTED;
  }
  if (isJsonContentType(contentType)) {
    const charset = CHARSET.exec(contentType as string)?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return BODY_CHARSET_UNSUPPORTED;
  }
  return undefined;
}

/**
 * Reads a body stream to its end, or stops as soon as it passes `maxBytes` (the caller then
 * answers {@link BODY_TOO_LARGE} and drops the connection's rest). Returns the bytes, or
 * `undefined` when the body was too large.
 *
 * @example
 * ```ts
 * const bytes = await readBodyWithinLimit(request.body, config.maxBodyBytes);
 * if (bytes === undefined) return tooLarge();
 * ```
 */
export async function readBodyWithinLimit(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (isReadableStream(body)) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) {
        // Not cancelled: cancelling a Node request's stream destroys its socket before the 413
        // is written. The answer's `Connection: close` ends the connection instead.
        reader.releaseLock();
        return undefined;
      }
      chunks.push(value);
    }
  } else {
    // Iterated by hand: leaving a for-await loop early would destroy the stream (and the socket).
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) return undefined;
      chunks.push(value);
    }
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function isReadableStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream).getReader === 'function';
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`, found in one pass over the
 * text (brackets inside strings do not count) without parsing or recursing, so it is safe on any
 * input, valid JSON or not.
 *
 * @example
 * ```ts
 * jsonNestingExceeds('[[[1]]]', 2); // true
 * jsonNestingExceeds('{"a":"[[[["}', 2); // false
 * ```
 */
export function jsonNestingExceeds(text: string | Uint8Array, maxDepth: number = MAX_JSON_NESTING): boolean {
  let depth = 0;
  let inString = false;
  const length = text.length;
  const isBytes = typeof text !== 'string';
  for (let i = 0; i < length; i++) {
    const code = isBytes ? (text as Uint8Array)[i]! : (text as string).charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** A body {@link readRequestBody} accepted: its bytes and, when asked for, its parsed JSON. */
export interface AcceptedBody {
  readonly bytes: Uint8Array;
  /** The parsed JSON value; `undefined` when not asked for, not JSON or not parseable (the MCP handler answers that). */
  readonly json: unknown;
}

const utf8 = new TextDecoder();

/**
 * An adapter's body step after authentication: reads the body within `maxBytes` (413 as soon as
 * it passes), refuses JSON nested deeper than {@link MAX_JSON_NESTING} (400), and parses a JSON
 * body when `parseJson` is set (the `tools/call` check, docs/requirements.md, "Step-up for tools"). Check the headers first with
 * {@link bodyHeadersProblem}.
 *
 * @example
 * ```ts
 * const read = await readRequestBody(req, req.headers['content-type'], config.maxBodyBytes, true);
 * if ('status' in read) return res.status(read.status).json(read.body);
 * req.body = read.json;
 * ```
 */
export async function readRequestBody(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  contentType: string | null | undefined,
  maxBytes: number,
  parseJson: boolean,
): Promise<AcceptedBody | BodyRefusal> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBodyWithinLimit(source, maxBytes);
  } catch {
    return BODY_UNREADABLE; // the client went away or sent a broken chunked body
  }
  if (bytes === undefined) return BODY_TOO_LARGE;
  if (!isJsonContentType(contentType)) return { bytes, json: undefined };
  if (jsonNestingExceeds(bytes)) return JSON_TOO_DEEP;
  if (!parseJson) return { bytes, json: undefined };
  try {
    return { bytes, json: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { bytes, json: undefined };
  }
}

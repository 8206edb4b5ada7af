/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25
 * authorization, "Client ID Metadata Documents"): a client names itself with the URL of a JSON
 * document describing it, instead of registering.
 *
 * `https:` documents are oidc-provider's own `clientIdMetadataDocument` feature (5 KiB, 2.5 s, no
 * redirects, requests to private and loopback addresses refused). A developer's client under
 * development serves its document from this machine over plain HTTP, which that feature refuses
 * by design; this module admits exactly that case, because the development issuer is
 * development-only: documents at `http://localhost`, `http://127.x.x.x` or `http://[::1]` URLs,
 * fetched by the storage adapter's `find` for the Client model, with the same rules and bounds.
 *
 * @module
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

/** Largest document accepted, in bytes (the draft suggests 5 KB; oidc-provider's default too). */
export const MAX_DOCUMENT_BYTES = 5 * 1024;
/** How long a document fetch may take in all, connection to last byte. */
const FETCH_TIMEOUT_MS = 5_000;
/** A fetched document is reused this long, so one sign-in does not fetch it at every step. */
const CACHE_TTL_MS = 30_000;
/**
 * A refusal is remembered this long: oidc-provider looks a client up twice while answering one
 * failed authorization request, and a slow document would otherwise cost twice its timeout.
 */
const REFUSAL_TTL_MS = 2_000;
const CACHE_MAX_ENTRIES = 100;

// Shared-secret client authentication needs a secret, which a public document cannot hold.
const SECRET_AUTH_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/** Why a document was refused; the message is the OAuth `error_description`. */
export class ClientMetadataDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientMetadataDocumentError';
  }
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Whether `clientId` is a loopback `http:` document URL this module serves: a path other than
 * `/`, no fragment, no user info, no dot segments, and written exactly as the URL parser
 * serialises it (so two spellings never name one client).
 *
 * @example
 * ```ts
 * isLoopbackDocumentUrl('http://127.0.0.1:3000/client.json'); // true
 * isLoopbackDocumentUrl('http://example.com/client.json'); // false
 * ```
 */
export function isLoopbackDocumentUrl(clientId: string): boolean {
  if (!clientId.startsWith('http://')) return false;
  const url = URL.parse(clientId);
  if (url === null || url.href !== clientId || !isLoopbackHostname(url.hostname)) return false;
  if (url.pathname === '/' || url.hash !== '' || url.username !== '' || url.password !== '') return false;
  return !/\/\.\.?(?:\/|$)/.test(url.pathname) && !/%2e/i.test(url.pathname);
}

async function readBounded(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw new ClientMetadataDocumentError(`client_id metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  while (reader !== undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > MAX_DOCUMENT_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ClientMetadataDocumentError(`client_id metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches and checks the document at `url`: HTTP 200 within 5 s, no redirect followed, at most
 * 5 KiB of JSON object whose `client_id` is `url` exactly, no client secret and no shared-secret
 * authentication method. Returns the client metadata, a public client
 * (`token_endpoint_auth_method: none`) unless the document names another allowed method.
 *
 * @throws {ClientMetadataDocumentError} naming what is wrong with the document.
 */
export async function fetchClientMetadataDocument(url: string): Promise<AdapterPayload> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = (error as Error)?.name === 'TimeoutError';
    throw new ClientMetadataDocumentError(
      timedOut
        ? `client_id metadata document did not arrive within ${FETCH_TIMEOUT_MS / 1000} s`
        : 'client_id metadata document could not be fetched',
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new ClientMetadataDocumentError(
      `client_id metadata document answered HTTP ${response.status}${
        response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''
      }`,
    );
  }
  let text: string;
  try {
    text = await readBounded(response);
  } catch (error) {
    if (error instanceof ClientMetadataDocumentError) throw error;
    throw new ClientMetadataDocumentError(
      `client_id metadata document did not arrive within ${FETCH_TIMEOUT_MS / 1000} s`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ClientMetadataDocumentError('client_id metadata document is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ClientMetadataDocumentError('client_id metadata document is not a JSON object');
  }
  const metadata = document as Record<string, unknown>;
  if (metadata.client_id !== url) {
    throw new ClientMetadataDocumentError('client_id metadata document names another client_id than its own URL');
  }
  if ('client_secret' in metadata || 'client_secret_expires_at' in metadata) {
    throw new ClientMetadataDocumentError('client_id metadata document must not contain a client_secret');
  }
  const method = metadata.token_endpoint_auth_method;
  if (typeof method === 'string' && SECRET_AUTH_METHODS.has(method)) {
    throw new ClientMetadataDocumentError(
      `client_id metadata document must not use ${method}: a public document cannot hold a shared secret`,
    );
  }
  return { ...metadata, token_endpoint_auth_method: method ?? 'none' } as AdapterPayload;
}

/**
 * Wraps the storage adapter factory so that the Client model resolves loopback document URLs
 * (see {@link isLoopbackDocumentUrl}) by fetching them, with a short cache and one fetch in
 * flight per URL. `refuse` turns a {@link ClientMetadataDocumentError} into the error
 * oidc-provider answers with (`invalid_client`).
 */
export function withLoopbackClientMetadataDocuments(
  factory: (model: string) => Adapter,
  refuse: (description: string) => Error,
): AdapterFactory {
  const cache = new Map<string, { payload?: AdapterPayload; refusal?: string; expiresAt: number }>();
  const inFlight = new Map<string, Promise<AdapterPayload>>();
  const remember = (url: string, entry: { payload?: AdapterPayload; refusal?: string }, ttlMs: number) => {
    if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(url, { ...entry, expiresAt: Date.now() + ttlMs });
  };

  async function resolve(url: string): Promise<AdapterPayload> {
    const cached = cache.get(url);
    if (cached !== undefined && cached.expiresAt > Date.now()) {
      if (cached.refusal !== undefined) throw refuse(cached.refusal);
      if (cached.payload !== undefined) return cached.payload;
    }
    cache.delete(url);
    let pending = inFlight.get(url);
    if (pending === undefined) {
      pending = fetchClientMetadataDocument(url).finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    let payload: AdapterPayload;
    try {
      payload = await pending;
    } catch (error) {
      if (!(error instanceof ClientMetadataDocumentError)) throw error;
      if (!cache.has(url)) remember(url, { refusal: error.message }, REFUSAL_TTL_MS);
      throw refuse(error.message);
    }
    if (!cache.has(url)) remember(url, { payload }, CACHE_TTL_MS);
    return payload;
  }

  return (model) => {
    const adapter = factory(model);
    if (model !== 'Client') return adapter;
    const find = adapter.find.bind(adapter);
    adapter.find = async (id) => {
      const stored = await find(id);
      if (stored !== undefined || !isLoopbackDocumentUrl(id)) return stored;
      return resolve(id);
    };
    return adapter;
  };
}

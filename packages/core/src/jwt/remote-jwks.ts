/**
 * The remote JWKS client (docs/requirements.md, "Signing keys"). Keys are fetched through {@link fetchJson} (timeout, size cap,
 * no redirects) and handed to jose's `createLocalJWKSet`, so this module owns every network
 * decision:
 *
 * - fetched on first use and cached; once older than `maxAgeMs`, refetched in the background on
 *   next use while requests go on with the keys in hand;
 * - an unknown `kid` triggers a refresh at most once per `cooldownMs` (rotation without letting
 *   random `kid`s turn into a request flood against the provider);
 * - one fetch in flight at a time: concurrent misses wait for the same fetch;
 * - one time budget (`timeoutMs`) covers discovery and the key fetch together;
 * - a failed refresh (including a set with no usable signing key) keeps the last good keys; with
 *   no usable key the failure is a 503-class
 *   {@link AuthError} (`ERR_VERIFIER_UNAVAILABLE`), never `invalid_token` and never a pass;
 * - after a failure with no keys at all, new attempts wait a short back-off so a dead provider is
 *   not hammered at the request rate;
 * - without a configured JWKS URI, `jwks_uri` is discovered from the issuer;
 * - a fetch a token would cause (first use, unknown `kid`) first runs `checkBeforeFetch` on it, so
 *   a token another issuer minted is refused without a network call;
 * - a fetch is handed to the request's `waitUntil` when the runtime offers one (docs/deploying.md,
 *   "Cloudflare Workers"): a runtime that stops a request's work once its response is sent would
 *   otherwise drop the background refresh half-way, and every later request would join a fetch
 *   that never ends;
 * - no request waits on a fetch longer than its time budget (plus a grace period), whoever started it: a fetch
 *   still unsettled past that is abandoned and the next request starts a new one, and a fetch
 *   that cannot be awaited from this request (one tied to a request that has ended) counts as
 *   failed, so the answer is 503, never a hang and never a 401.
 *
 * @module
 */

import { createLocalJWKSet, type FlattenedJWSInput, type JWK, type JWTHeaderParameters } from 'jose';
import type { JwksClientOptions } from '../authenticate/authenticator-types.js';
import type { AuthError } from '../errors/auth-error.js';
import { verifierUnavailable } from '../errors/auth-failures.js';
import { discoverAuthorizationServer } from '../http/discover-authorization-server.js';
import { FetchJsonError, fetchJson } from '../http/fetch-json.js';
import { isSecureEnoughUrl } from '../http/secure-url.js';
import type { Logger } from '../logging/logger.js';
import type { JwtKeyResolver, WaitUntil } from './static-jwt-keys.js';

/** Options of {@link RemoteJwks}: where the keys are and how to fetch them. */
export interface RemoteJwksOptions extends JwksClientOptions {
  /** The JWKS URI; when absent it is discovered from `issuer`. */
  jwksUri?: string;
  /** The issuer to discover `jwks_uri` from (RFC 8414 / OIDC Discovery). */
  issuer?: string;
  /** Whether a discovered `jwks_uri` may be plain http off loopback. */
  allowInsecureHttp?: boolean;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
  /**
   * Runs on a token before any fetch that token would cause (first use, unknown `kid`); throwing
   * refuses the token with that error and fetches nothing. The issuer router uses it to refuse a
   * foreign issuer's token without contacting the provider, at no cost to tokens whose key is known.
   */
  checkBeforeFetch?: (token: FlattenedJWSInput) => void;
}

const DEFAULTS = { timeoutMs: 5000, cooldownMs: 30_000, maxAgeMs: 600_000, maxBytes: 256 * 1024 };
/** A JWKS with more keys than this is refused: no real provider publishes that many. */
const MAX_KEYS = 100;
const MAX_FAILURE_BACKOFF_MS = 5000;
/** Distinct protected headers whose key choice is remembered: a provider's tokens use a handful. */
const MAX_REMEMBERED_HEADERS = 64;
/**
 * Past its time budget plus this, a fetch still in flight is taken for lost (its request ended and
 * the runtime dropped it) rather than slow: on runtimes that keep it, the budget's own abort has
 * settled it by then.
 */
const ABANDON_GRACE_MS = 1000;

type LocalSet = ReturnType<typeof createLocalJWKSet>;

/** A cached, rate-limited view of a remote JWK set. */
export class RemoteJwks {
  readonly #options: Required<JwksClientOptions>;
  readonly #issuer: string | undefined;
  readonly #allowInsecureHttp: boolean;
  readonly #fetch: typeof globalThis.fetch | undefined;
  readonly #logger: Logger | undefined;
  readonly #checkBeforeFetch: ((token: FlattenedJWSInput) => void) | undefined;
  #jwksUri: string | undefined;
  #keys: LocalSet | undefined;
  #fetchedAt = 0;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastFailure: unknown;
  #inflight: Promise<void> | undefined;
  /** When the fetch in flight started: past its budget and the grace period it is abandoned. */
  #inflightStartedAt = 0;
  /**
   * Encoded protected header (a compact JWS's first segment) → the key jose's local set chose for
   * it; cleared with every new key set. jose selects a key from the protected header alone (`alg`,
   * `kid`), so the same header bytes always get the same key from the same set. At most
   * {@link MAX_REMEMBERED_HEADERS} entries.
   */
  readonly #chosen = new Map<string, CryptoKey | Uint8Array>();
  #closed = false;

  constructor(options: RemoteJwksOptions) {
    if (options.jwksUri === undefined && options.issuer === undefined) {
      throw new TypeError('RemoteJwks needs a jwksUri or an issuer');
    }
    this.#options = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      cooldownMs: options.cooldownMs ?? DEFAULTS.cooldownMs,
      maxAgeMs: options.maxAgeMs ?? DEFAULTS.maxAgeMs,
      maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
    };
    this.#jwksUri = options.jwksUri;
    this.#issuer = options.issuer;
    this.#allowInsecureHttp = options.allowInsecureHttp ?? false;
    this.#fetch = options.fetch;
    this.#logger = options.logger;
    this.#checkBeforeFetch = options.checkBeforeFetch;
  }

  /**
   * The jose key resolver: a bound arrow so it can be handed around. A key jose's local set already
   * chose for this protected header in the current key set is returned as is, without a promise:
   * resolving it again cost a few microseconds per uncached token (docs/performance.md).
   */
  readonly getKey: JwtKeyResolver = (header: JWTHeaderParameters, token: FlattenedJWSInput, waitUntil?: WaitUntil) => {
    const chosen = this.knownKey(token.protected, waitUntil);
    if (chosen !== undefined) return chosen;
    return this.#resolve(header, token, waitUntil);
  };

  /**
   * The key already chosen for tokens whose encoded protected header is exactly `encodedHeader`,
   * from the current key set; `undefined` when none was (then go through {@link getKey}). A
   * verifier that has it hands jose the key itself: a resolver function costs jose an `await` and
   * more per token, about 2% of an RS256 verification (docs/performance.md). Starts the background refresh of
   * a key set past its maximum age, as {@link getKey} does, and hands it to `waitUntil` when given.
   */
  knownKey(encodedHeader: string | undefined, waitUntil?: WaitUntil): CryptoKey | Uint8Array | undefined {
    if (this.#keys === undefined || encodedHeader === undefined) return undefined;
    this.#refreshIfStale(waitUntil);
    return this.#chosen.get(encodedHeader);
  }

  /**
   * Past `maxAgeMs`, starts a refresh without waiting for it: requests keep using the keys in hand
   * until the new set lands (a periodic refresh made every request arriving meanwhile wait for the
   * provider). An unknown `kid` still waits for a refresh, below.
   */
  #refreshIfStale(waitUntil: WaitUntil | undefined): void {
    const now = Date.now();
    if (
      now - this.#fetchedAt >= this.#options.maxAgeMs &&
      (this.#inflight === undefined || this.#isLost(now)) &&
      // After a failed refresh, the back-off; after a good one, nothing to wait for.
      (this.#lastFailure === undefined || now - this.#lastAttemptAt >= this.#failureBackoffMs())
    ) {
      void this.#refresh(waitUntil); // never rejects; on failure the last good keys stay in place
    }
  }

  async #resolve(
    header: JWTHeaderParameters,
    token: FlattenedJWSInput,
    waitUntil: WaitUntil | undefined,
  ): Promise<CryptoKey | Uint8Array> {
    const now = Date.now();
    if (this.#keys === undefined) {
      this.#checkBeforeFetch?.(token);
      // Join a fetch in flight; otherwise start one unless the last attempt failed moments ago.
      if (this.#inflight === undefined && now - this.#lastAttemptAt < this.#failureBackoffMs()) {
        throw this.#unavailable(now);
      }
      await this.#awaitRefresh(waitUntil);
      if (this.#keys === undefined) throw this.#unavailable(Date.now());
    }

    const keys = this.#keys!;
    try {
      const key = await keys(header, token);
      // Only a choice made by the set still in place is remembered (a refresh may have landed).
      if (token.protected !== undefined && this.#keys === keys) this.#remember(token.protected, key);
      return key;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      this.#checkBeforeFetch?.(token);
      // Unknown kid: maybe a rotation. Refresh at most once per cooldown window (docs/requirements.md, "Signing keys"); a refresh
      // already in flight is joined rather than counted against the window.
      if (this.#inflight === undefined && Date.now() - this.#lastAttemptAt < this.#options.cooldownMs) throw error;
      const before = this.#fetchedAt;
      await this.#awaitRefresh(waitUntil);
      if (this.#fetchedAt === before) throw this.#unavailable(Date.now());
      return this.#keys!(header, token);
    }
  }

  /**
   * Headers come from unverified tokens, so anyone can send new spellings of a header naming a
   * known `kid`: past the bound the memo starts over rather than grow. Forgetting costs the next
   * token of each header one trip through jose's local set, nothing else.
   */
  #remember(encodedHeader: string, key: CryptoKey | Uint8Array): void {
    if (this.#chosen.size >= MAX_REMEMBERED_HEADERS) this.#chosen.clear();
    this.#chosen.set(encodedHeader, key);
  }

  /** Forgets the keys; later calls fail as unavailable. */
  close(): void {
    this.#closed = true;
    this.#keys = undefined;
    this.#chosen.clear();
  }

  #failureBackoffMs(): number {
    return Math.min(this.#options.cooldownMs, MAX_FAILURE_BACKOFF_MS);
  }

  #unavailable(now: number): AuthError {
    const waitMs = Math.max(0, this.#lastAttemptAt + this.#failureBackoffMs() - now);
    return verifierUnavailable(Math.max(1, Math.ceil(waitMs / 1000)), this.#lastFailure);
  }

  /**
   * One fetch in flight: every caller joins the same promise. Never rejects. A new fetch is handed
   * to `waitUntil`, so a runtime that ends a request's work with its response keeps this one.
   */
  #refresh(waitUntil?: WaitUntil): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#inflight !== undefined && !this.#isLost(Date.now())) return this.#inflight;
    const attempt: Promise<void> = this.#load(() => this.#inflight === attempt).finally(() => {
      if (this.#inflight === attempt) this.#inflight = undefined;
    });
    this.#inflight = attempt;
    this.#inflightStartedAt = this.#lastAttemptAt;
    waitUntil?.(attempt);
    return attempt;
  }

  /** Whether the fetch in flight has outlived its budget and the grace period: lost with its request. */
  #isLost(now: number): boolean {
    return now - this.#inflightStartedAt > this.#options.timeoutMs + ABANDON_GRACE_MS;
  }

  /**
   * Waits for the fetch in flight (starting one if none is), at most until its budget and the grace
   * period are spent. The fetch may belong to another request: on a runtime that drops a finished
   * request's work it may never settle, or refuse to be awaited from here. Both end the wait; the
   * caller then finds no new keys and answers 503.
   */
  async #awaitRefresh(waitUntil: WaitUntil | undefined): Promise<void> {
    const refresh = this.#refresh(waitUntil);
    const waitMs = this.#inflightStartedAt + this.#options.timeoutMs + ABANDON_GRACE_MS - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([refresh, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, waitMs))))]);
    } catch (error) {
      // Only the runtime refusing a promise of another request gets here (the fetch itself never rejects).
      this.#logger?.warn({ cause: describeCause(error) }, 'JWKS refresh could not be awaited from this request');
    } finally {
      clearTimeout(timer);
    }
  }

  /** `isCurrent`: false once this fetch was abandoned for a newer one, which alone may then change the keys. */
  async #load(isCurrent: () => boolean): Promise<void> {
    this.#lastAttemptAt = Date.now();
    // One budget for discovery and the key fetch together: a request waiting on this load must
    // never wait longer than `timeoutMs` (docs/security.md), however slowly each step answers.
    const deadline = this.#lastAttemptAt + this.#options.timeoutMs;
    try {
      const uri = this.#jwksUri ?? (await this.#discoverJwksUri());
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        throw new FetchJsonError('timeout', uri, `no answer within ${this.#options.timeoutMs} ms`);
      }
      const body = await fetchJson(uri, {
        timeoutMs: remainingMs,
        maxBytes: this.#options.maxBytes,
        fetch: this.#fetch,
      });
      const keys = usableKeys(body);
      if (this.#closed || !isCurrent()) return;
      this.#keys = createLocalJWKSet({ keys });
      this.#chosen.clear();
      this.#fetchedAt = Date.now();
      this.#lastFailure = undefined;
      this.#logger?.debug({ keys: keys.length }, 'JWKS fetched');
    } catch (error) {
      if (!isCurrent()) return;
      this.#lastFailure = error;
      this.#logger?.warn({ cause: describeCause(error), keptKeys: !!this.#keys }, 'JWKS refresh failed');
    }
  }

  async #discoverJwksUri(): Promise<string> {
    const metadata = await discoverAuthorizationServer(this.#issuer!, {
      fetch: this.#fetch,
      timeoutMs: this.#options.timeoutMs,
      maxBytes: this.#options.maxBytes,
    });
    const uri = metadata.jwks_uri;
    if (typeof uri !== 'string') throw new Error('the authorization server metadata has no jwks_uri');
    if (!isSecureEnoughUrl(new URL(uri), this.#allowInsecureHttp)) {
      throw new Error('the discovered jwks_uri is not https');
    }
    this.#jwksUri = uri;
    return uri;
  }
}

/** Error name and message for a log line; fetch and JWKS failures carry no key or token material. */
function describeCause(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The signing keys of a JWKS document: public keys only, never symmetric (`oct`) ones (RFC 8725 §3.1: an
 * HMAC key from the network would let anyone who can serve the JWKS mint tokens), `use` absent or
 * `sig`.
 */
function usableKeys(body: unknown): JWK[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the JWKS has no "keys" array');
  if (keys.length > MAX_KEYS) throw new Error(`the JWKS has more than ${MAX_KEYS} keys`);
  const usable = keys.filter(
    (key): key is JWK =>
      typeof key === 'object' &&
      key !== null &&
      typeof key.kty === 'string' &&
      key.kty !== 'oct' &&
      !('d' in key) &&
      (key.use === undefined || key.use === 'sig'),
  );
  // A provider mid-incident may publish an empty set: adopting it would refuse every token, so it
  // counts as a failed refresh and the last good keys stay (docs/requirements.md, "Signing keys").
  if (usable.length === 0) throw new Error('the JWKS has no usable signing key');
  return usable;
}

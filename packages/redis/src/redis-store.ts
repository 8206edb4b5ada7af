/**
 * A `SharedStore` in Redis or Valkey, so every instance behind one load balancer sees the same DPoP
 * proof identifiers (RFC 9449 §11.1), nonces (RFC 9449 §8) and introspection results (RFC 7662 §4).
 *
 * Built on node-redis (`@redis/client`), held to bounds a request path can live with:
 * - every command settles within `commandTimeoutMs`, answered or not (node-redis' own command
 *   timeout stops counting once a command is written, so a server that accepted the connection
 *   and then hangs would hold it forever);
 * - while disconnected, commands are refused at once instead of queued (no offline queue), and at
 *   most `maxPendingCommands` wait for a reply: past that, they fail at once too;
 * - a lost connection is retried for ever, with exponential back-off and jitter up to
 *   `maxReconnectDelayMs`, and reported once per outage, never thrown: the client's `error`
 *   events always have a listener, so an outage never crashes the process;
 * - the URL's credentials never reach a log line or an error message.
 *
 * @module
 */

import type { ConnectionOptions } from 'node:tls';
import type { Logger, SharedStore } from '@mcp-warden/core';
import { ClientClosedError, createClient, ErrorReply } from '@redis/client';
import { RedisStoreError } from './redis-store-error.js';
import { redactRedisUrl, redisUrlProblem } from './redis-url.js';

/**
 * The one method the store sends commands through; every node-redis client (`createClient()` of
 * `redis` or `@redis/client`, v4 on) has it.
 */
export interface RedisCommandClient {
  /** Sends one command (`['SET', key, value, 'PX', ms, 'NX']`) and resolves with its reply. */
  sendCommand(args: string[], options?: object): Promise<unknown>;
}

/** Options of {@link createRedisStore}: `url` or `client`, not both. */
export interface RedisStoreOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. The store owns the
   * connection: it connects at once, reconnects, and closes it in {@link RedisStore.close}.
   */
  url?: string;
  /**
   * A node-redis client you created, connect and close yourself (give it an `error` listener and
   * `disableOfflineQueue: true`). Each command is still bounded by `commandTimeoutMs`.
   */
  client?: RedisCommandClient;
  /**
   * Put before every key, so several deployments can share one Redis without seeing each other's
   * state. Default `mcp-warden:`. Give each protected resource its own.
   */
  keyPrefix?: string;
  /** The longest one command may take before it fails with `ERR_STORE_TIMEOUT` (default 1000 ms). */
  commandTimeoutMs?: number;
  /** The longest one connection attempt may take (default 5000 ms; `url` only). */
  connectTimeoutMs?: number;
  /** The longest wait between two reconnection attempts (default 5000 ms; `url` only). */
  maxReconnectDelayMs?: number;
  /**
   * Commands waiting to be written or answered at most; more fail at once (default 10,000;
   * `url` only). Bounds the memory a Redis that stopped answering can hold on to.
   */
  maxPendingCommands?: number;
  /** TLS options for a `rediss://` URL, such as `ca` for a private certificate authority. */
  tls?: ConnectionOptions;
  /** Where connection losses and recoveries are reported (default: nowhere). */
  logger?: Logger;
}

/** A {@link SharedStore} in Redis. */
export interface RedisStore extends SharedStore {
  /** Where the store keeps its state, without credentials (`redis://host:port/db`), for logs. */
  readonly location: string;
  /**
   * Resolves `true` once connected, `false` if still not connected after `timeoutMs`
   * (default: `connectTimeoutMs`). Commands sent before are refused, not queued.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Closes the connection it opened (never a `client` it was given). Idempotent. */
  close(): Promise<void>;
  /**
   * Sends one raw command (no key prefix added), bounded like every other: for state of another
   * shape in the same connection, such as the oidc-provider adapter ({@link createOidcProviderAdapter}).
   */
  command(args: string[]): Promise<unknown>;
}

const DEFAULTS = {
  keyPrefix: 'mcp-warden:',
  commandTimeoutMs: 1000,
  connectTimeoutMs: 5000,
  maxReconnectDelayMs: 5000,
  maxPendingCommands: 10_000,
};
const FIRST_RECONNECT_DELAY_MS = 50;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createRedisStore: ${name} must be a positive number of milliseconds`);
  }
  return value;
}

/**
 * Exponential back-off with jitter: 50 ms, 100 ms, 200 ms… up to `max`, each between half and all
 * of it, so instances that lost Redis together do not reconnect in lockstep.
 */
function backoff(retries: number, max: number): number {
  const ceiling = Math.min(max, FIRST_RECONNECT_DELAY_MS * 2 ** Math.min(retries, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Creates the store. With `url` it starts connecting at once and never throws for an unreachable
 * Redis: commands fail (`ERR_STORE_UNAVAILABLE`) until it is reached.
 *
 * @throws {TypeError} for options that cannot work (no or both of `url` and `client`, a URL that is
 * not `redis://` or `rediss://`, a non-positive timeout).
 * @example
 * ```ts
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core';
 * import { createRedisStore } from '@mcp-warden/redis';
 *
 * const store = createRedisStore({ url: process.env.MCP_REDIS_URL, keyPrefix: 'mcp-warden:prod:' });
 * await store.ready();
 * const authenticator = await createAuthenticator(loadConfig(process.env), { store });
 * // on shutdown
 * await authenticator.close();
 * await store.close();
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  if ((options.url === undefined) === (options.client === undefined)) {
    throw new TypeError('createRedisStore: give either url or client');
  }
  if (options.url !== undefined) {
    const problem = typeof options.url === 'string' ? redisUrlProblem(options.url) : 'must be a string';
    if (problem !== undefined) throw new TypeError(`createRedisStore: url ${problem}`);
  }
  const keyPrefix = options.keyPrefix ?? DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string') throw new TypeError('createRedisStore: keyPrefix must be a string');
  const commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs, DEFAULTS.commandTimeoutMs);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs);
  const maxReconnectDelayMs = positive(
    'maxReconnectDelayMs',
    options.maxReconnectDelayMs,
    DEFAULTS.maxReconnectDelayMs,
  );
  const maxPendingCommands = Math.floor(
    positive('maxPendingCommands', options.maxPendingCommands, DEFAULTS.maxPendingCommands),
  );
  const logger = options.logger;
  const location = options.url === undefined ? 'redis (client given)' : redactRedisUrl(options.url);
  const password = options.url === undefined ? undefined : passwordOf(options.url);

  /** Error text for a log line: the password, should any library ever echo it, blanked. */
  const describe = (error: unknown): string => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return password === undefined || password === '' ? text : text.split(password).join('***');
  };

  let closed = false;
  let owned: ReturnType<typeof createClient> | undefined;
  let client: RedisCommandClient;
  let connected = false;
  let outage = false;
  let everConnected = false;
  const readyWaiters = new Set<(connected: boolean) => void>();

  if (options.url !== undefined) {
    const url = options.url.trim();
    owned = createClient({
      url,
      // Fail fast while disconnected: a request must not wait for a reconnection that may never come.
      disableOfflineQueue: true,
      commandsQueueMaxLength: maxPendingCommands,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => backoff(retries, maxReconnectDelayMs),
        ...(url.startsWith('rediss:') ? { tls: true as const, ...options.tls } : {}),
      },
    });
    // Without a listener an `error` event is thrown by the emitter and ends the process.
    owned.on('error', (error: unknown) => {
      connected = false;
      if (closed || outage) return;
      outage = true;
      logger?.warn(
        { redis: location, cause: describe(error) },
        'Redis unreachable: shared state is unavailable until it is back; reconnecting with back-off',
      );
    });
    owned.on('ready', () => {
      connected = true;
      logger?.info({ redis: location }, everConnected ? 'Redis reachable again' : 'Redis connected');
      everConnected = true;
      outage = false;
      for (const wake of readyWaiters) wake(true);
      readyWaiters.clear();
    });
    owned.on('end', () => {
      connected = false;
    });
    // The first connection is retried like any other; the promise settles only when it succeeds
    // or the store is closed, and its failure is already reported through `error`.
    owned.connect().catch(() => {});
    client = owned as unknown as RedisCommandClient;
  } else {
    client = options.client as RedisCommandClient;
    connected = true;
  }

  function failure(command: string, error: unknown): RedisStoreError {
    if (error instanceof RedisStoreError) return error;
    if (closed) return new RedisStoreError('ERR_STORE_CLOSED', `${command} failed: the Redis store is closed`);
    if (error instanceof ErrorReply) {
      return new RedisStoreError('ERR_STORE_REPLY', `${command} failed: Redis at ${location} answered with an error`, {
        cause: error,
      });
    }
    const reason =
      error instanceof Error && error.message === 'The queue is full'
        ? `has ${maxPendingCommands} commands waiting already (maxPendingCommands)`
        : error instanceof ClientClosedError
          ? 'is not connected'
          : 'is unavailable';
    return new RedisStoreError('ERR_STORE_UNAVAILABLE', `${command} failed: Redis at ${location} ${reason}`, {
      cause: error,
    });
  }

  /** One command, settled within `commandTimeoutMs` whatever the connection does. */
  function send(args: string[]): Promise<unknown> {
    const command = args[0]!;
    if (closed) return Promise.reject(failure(command, undefined));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new RedisStoreError(
            'ERR_STORE_TIMEOUT',
            `${command} failed: Redis at ${location} did not answer within ${commandTimeoutMs} ms`,
          ),
        );
      }, commandTimeoutMs);
      let sent: Promise<unknown>;
      try {
        // node-redis' own timeout as well: it drops a command that is still waiting to be written.
        sent = client.sendCommand(args, { timeout: commandTimeoutMs });
      } catch (error) {
        clearTimeout(timer);
        reject(failure(command, error));
        return;
      }
      sent.then(
        (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(failure(command, error));
        },
      );
    });
  }

  function ttl(ttlMs: number): string {
    // PX takes a positive integer; a zero or negative lifetime keeps the key for 1 ms.
    return String(Math.max(1, Math.ceil(ttlMs)));
  }

  return {
    location,
    async setIfAbsent(key, value, ttlMs) {
      // One atomic command: of several instances racing with the same key, exactly one gets OK.
      const reply = await send(['SET', keyPrefix + key, value, 'PX', ttl(ttlMs), 'NX']);
      if (reply === null) return false;
      if (reply === 'OK') return true;
      throw new RedisStoreError('ERR_STORE_REPLY', `SET failed: unexpected reply from Redis at ${location}`);
    },
    async get(key) {
      const reply = await send(['GET', keyPrefix + key]);
      if (reply === null || reply === undefined) return undefined;
      if (typeof reply === 'string') return reply;
      if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
      throw new RedisStoreError('ERR_STORE_REPLY', `GET failed: unexpected reply from Redis at ${location}`);
    },
    async set(key, value, ttlMs) {
      await send(['SET', keyPrefix + key, value, 'PX', ttl(ttlMs)]);
    },
    command: (args) => send(args),
    ready(timeoutMs = connectTimeoutMs) {
      if (connected) return Promise.resolve(true);
      if (closed) return Promise.resolve(false);
      return new Promise((resolve) => {
        const wake = (connected: boolean) => {
          clearTimeout(timer);
          resolve(connected);
        };
        const timer = setTimeout(() => {
          readyWaiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        readyWaiters.add(wake);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const wake of readyWaiters) wake(false);
      readyWaiters.clear();
      if (owned === undefined) return;
      // A graceful close waits for replies to commands in flight, bounded like any command; a
      // connection that is down or does not answer in time is simply dropped.
      if (owned.isReady) {
        const graceful = owned.close().then(
          () => true,
          () => false,
        );
        const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), commandTimeoutMs).unref());
        if (await Promise.race([graceful, timedOut])) return;
      }
      if (owned.isOpen) owned.destroy();
    },
  };
}

function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url.trim());
    return parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  } catch {
    return undefined;
  }
}

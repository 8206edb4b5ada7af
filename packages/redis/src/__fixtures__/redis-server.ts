/**
 * A real `redis-server` (Debian's `redis-server` package; `.ci/run` installs it) for tests: one
 * process of the test's own on a free loopback port, without persistence, stopped by the test.
 * It can be killed and started again on the same port to play an outage. Shared with the
 * reference server's end-to-end tests (apps/server/e2e).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';

export interface RedisServerOptions {
  /** A fixed port (default: a free one). */
  port?: number;
  /** Started with `--requirepass` when given: the URL then carries it. */
  password?: string;
  /** How long to wait for the server to accept connections (default 20 s). */
  startTimeoutMs?: number;
  /**
   * Serve TLS only (`rediss://`), with the self-signed certificate for 127.0.0.1 beside this file
   * ({@link TEST_TLS_CERTIFICATE}); clients are not asked for a certificate.
   */
  tls?: boolean;
}

/** The self-signed certificate a `tls: true` server presents: what a client gives as `ca`. */
export const TEST_TLS_CERTIFICATE = readFileSync(join(import.meta.dirname, 'tls-test-cert.pem'), 'utf8');

export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:PORT` (`rediss://` with `tls`) */
  readonly url: string;
  readonly port: number;
  /** Everything the server printed. */
  output(): string;
  /** Kills the process at once (SIGKILL): an outage, not a shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered. */
  freeze(): void;
  /** Lets a frozen process go on (SIGCONT). */
  thaw(): void;
  /** Stops it for good. Idempotent. */
  stop(): Promise<void>;
}

/** The server binary: `redis-server`, or what `REDIS_SERVER_BINARY` names (`valkey-server`). */
export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER_BINARY ?? 'redis-server';

/**
 * Below Linux's ephemeral range (32768–60999) and below the ports the reference server's tests pick
 * (apps/server/e2e/server-process.ts): a port from the ephemeral range could be taken by an
 * outgoing connection of a test running alongside while Redis is down, and a restart on it fail.
 */
const STABLE_PORTS = { min: 12_000, max: 20_000 };

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = STABLE_PORTS.min + Math.floor(Math.random() * (STABLE_PORTS.max - STABLE_PORTS.min));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port for redis-server');
}

/** Resolves once something accepts connections on the port and answers PING with PONG (or NOAUTH). */
async function answersPing(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port, ca: TEST_TLS_CERTIFICATE })
      : createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

/**
 * Starts a `redis-server` on 127.0.0.1 and waits until it answers.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const store = createRedisStore({ url: redis.url });
 * // …
 * await store.close();
 * await redis.stop();
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  let output = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function launch(): Promise<void> {
    const args = options.tls
      ? [
          ...['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'],
          ...['--tls-cert-file', join(import.meta.dirname, 'tls-test-cert.pem')],
          ...['--tls-key-file', join(import.meta.dirname, 'tls-test-key.pem')],
        ]
      : ['--port', String(port)];
    args.push('--bind', '127.0.0.1', '--save', '', '--appendonly', 'no');
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const started = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    let gone = false;
    const failedToSpawn = new Promise<Error>((resolve) =>
      started.once('error', (error) => {
        gone = true;
        resolve(error);
      }),
    );
    exited = new Promise<void>((resolve) =>
      started.once('exit', () => {
        gone = true;
        resolve();
      }),
    );
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (gone) {
        const error = await Promise.race([failedToSpawn, new Promise<undefined>((r) => setTimeout(r, 10))]);
        throw new Error(
          error === undefined
            ? `redis-server exited before answering on port ${port}:\n${output}`
            : `could not start ${REDIS_SERVER_BINARY} (${error.message}); install Debian's redis-server (.ci/run does)`,
        );
      }
      if (await answersPing(port, options.tls === true)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within ${startTimeoutMs} ms:\n${output}`);
  }

  async function kill(): Promise<void> {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  await launch();
  const credentials = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${credentials}127.0.0.1:${port}`,
    port,
    output: () => output,
    kill,
    async restart() {
      await kill();
      await launch();
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    stop: kill,
  };
}

/**
 * Starts the built reference server (`dist/main.js`) as a real process, the way operators and
 * the README run it, and waits for its `listening on http://HOST:PORT` line.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');
export const FRAMEWORKS = ['hono', 'express', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Below Linux's ephemeral range (32768–60999), where outgoing connections take their ports. */
const STABLE_PORTS = { min: 20_000, max: 32_000 };

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

/**
 * A free TCP port on 127.0.0.1 (the resource URL must name the real port before start), with the
 * next port free too (the embedded issuer listens on PORT+1). Picked below the ephemeral range:
 * an ephemeral port can be taken by any outgoing connection of a test running alongside (a load
 * run opens thousands) between this check and the server's own bind.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = STABLE_PORTS.min + Math.floor(Math.random() * (STABLE_PORTS.max - STABLE_PORTS.min));
    if ((await canListen(port)) && (await canListen(port + 1))) return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The process id (to signal it, or to find it in `ps`). */
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Working directory (a fresh empty one by default, so no stray .env is read). */
  cwd?: string;
  timeoutMs?: number;
}

/** Runs the server until it prints its listening line; rejects with its output if it exits first. */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const scratch = options.cwd === undefined ? emptyWorkingDirectory() : undefined;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: options.cwd ?? scratch,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      MCP_LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });

  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running once the test has given up on it.
      child.kill('SIGKILL');
      reject(new Error(`server did not start within time:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const check = () => {
      if (/listening on http:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  const cwd = emptyWorkingDirectory();
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  rmSync(cwd, { recursive: true, force: true });
  return { code, output };
}

/** A fresh empty directory for the server to run in (no stray .env), removed when it exits. */
function emptyWorkingDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-warden-e2e-'));
}

/** The request the curl commands of docs/compatibility.md send: curl's default headers, JSON body, nothing else. */
export function seedCurl(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'user-agent': 'curl/8.5.0', accept: '*/*', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

/** A `tools/call` request body. */
export function toolsCall(name: string, args: Record<string, unknown> = {}, id = 2) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

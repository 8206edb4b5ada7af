/**
 * Starting a scratch project (packed-project.ts) on Bun, Deno or workerd, with the binaries of the
 * npm packages `bun`, `deno` and `workerd` pinned in this package. A Worker is bundled with
 * esbuild the way wrangler does (workerd/worker/browser export conditions, `cloudflare:` and
 * `node:` imports left to the runtime) and served by workerd from a config made from its
 * wrangler.jsonc.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

export const BUN = join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe');
export const DENO = join(dirname(require.resolve('deno/package.json')), 'deno');
export const WORKERD = (require('workerd') as { default: string }).default;

export interface RunningServer {
  url: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns the server and resolves once it answers HTTP (any status); fails if it exits first. */
async function serve(command: string, args: string[], cwd: string, env: Record<string, string>, url: string) {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${command} exited before serving:\n${output}`);
    try {
      await fetch(`${url}/.well-known/oauth-protected-resource`, { signal: AbortSignal.timeout(2000) });
      return { url, output: () => output, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${command} did not serve ${url} within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** `bun run src/server.ts` in the project, configured by environment variables. */
export async function startBun(project: string, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return serve(BUN, ['run', 'src/server.ts'], project, { ...env, PORT: String(port), HOST: '127.0.0.1' }, url);
}

const denoEnv = (project: string) => ({ NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(project, '.deno') });

/**
 * `deno check src/server.ts`: the example type-checks against the packages' declarations as Deno
 * reads them (`deno run` itself does not type-check).
 */
export function denoCheck(project: string): void {
  try {
    execFileSync(DENO, ['check', 'src/server.ts'], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...denoEnv(project) },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`deno check src/server.ts failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** `deno run --allow-net --allow-env src/server.ts` in the project (its deno.json, its node_modules). */
export async function startDeno(project: string, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return serve(
    DENO,
    ['run', '--allow-net', '--allow-env', 'src/server.ts'],
    project,
    { ...env, PORT: String(port), HOST: '127.0.0.1', ...denoEnv(project) },
    url,
  );
}

/** The settings of a wrangler.jsonc this suite uses (comments are whole lines starting with `//`). */
export interface WranglerConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  vars?: Record<string, string>;
}

export function readWranglerConfig(project: string): WranglerConfig {
  const text = readFileSync(join(project, 'wrangler.jsonc'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as WranglerConfig;
}

/** esbuild's options for a Worker, as wrangler bundles one. */
export function workerBuildOptions(project: string, entry: string) {
  return {
    absWorkingDir: project,
    entryPoints: [entry],
    bundle: true,
    format: 'esm' as const,
    platform: 'neutral' as const,
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'silent' as const,
  };
}

const capnpString = (value: string) => JSON.stringify(value);

/**
 * Bundles `entry` and serves it with workerd: the compatibility date and flags given (a
 * wrangler.jsonc's, or a variation of them), `bindings` as text bindings (vars and secrets), and
 * outbound fetches allowed to loopback, where the test's provider listens.
 */
export async function startWorkerd(
  project: string,
  options: { entry: string; compatibilityDate: string; compatibilityFlags: string[]; bindings: Record<string, string> },
): Promise<RunningServer> {
  await build({ ...workerBuildOptions(project, options.entry), outfile: join(project, 'dist', 'worker.js') });
  const port = await freePort();
  const bindings = Object.entries(options.bindings)
    .map(([name, text]) => `(name = ${capnpString(name)}, text = ${capnpString(text)})`)
    .join(', ');
  writeFileSync(
    join(project, 'dist', 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${capnpString(options.compatibilityDate)},
  compatibilityFlags = [${options.compatibilityFlags.map(capnpString).join(', ')}],
  bindings = [${bindings}],
);
`,
  );
  return serve(WORKERD, ['serve', join(project, 'dist', 'workerd.capnp')], project, {}, `http://127.0.0.1:${port}`);
}

/**
 * Runs one benchmark server as its own process (the load generator never shares a process with
 * the server it measures) and reads its resident set size from the operating system.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** What to start. */
export interface ProcessSpec {
  script: string;
  env: Record<string, string>;
  /** Write a V8 CPU profile of the server into this directory (`node --cpu-prof`). */
  cpuProfileDir?: string;
  timeoutMs?: number;
}

/** A server process that printed its `listening on http://…` line. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  pid: number;
  /** Everything it wrote so far (for error messages). */
  output(): string;
  /** Resident set size in bytes, from /proc (Linux) or `ps`. */
  rssBytes(): number;
  /** CPU time (user + system) used so far in seconds, from /proc; NaN elsewhere. */
  cpuSeconds(): number;
  /** SIGTERM, then waits for the exit (and the CPU profile, when asked for). */
  stop(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/[^\s"]+)/;

/** A free TCP port on 127.0.0.1, for servers that must know their port before they start. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Resident set size of a process in bytes. */
export function readRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // Not Linux: fall back to ps.
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

let clockTicks: number | undefined;

/** CPU time (user + system, all threads) of a process in seconds; NaN without /proc. */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** Starts `spec.script` with Node and resolves once it listens. */
export async function startServerProcess(spec: ProcessSpec): Promise<RunningServer> {
  const execArgv = spec.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${spec.cpuProfileDir}`];
  const child: ChildProcess = spawn(process.execPath, [...execArgv, spec.script], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    // Keep the start of the output (the listening line, start-up errors), not a flood of logs.
    if (output.length < 64 * 1024) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${spec.script} did not start in time:\n${output}`));
    }, spec.timeoutMs ?? 30_000);
    const check = () => {
      const match = LISTENING.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${spec.script} exited before listening:\n${output}`));
    });
  });

  return {
    origin: new URL(origin).origin,
    pid: child.pid!,
    output: () => output,
    rssBytes: () => readRssBytes(child.pid!),
    cpuSeconds: () => readCpuSeconds(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

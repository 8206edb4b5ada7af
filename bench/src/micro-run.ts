/**
 * Starts the micro benchmarks in processes of their own and reads their results.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, builtScript } from './bench-paths.js';
import { DPOP_MICRO_CONFIG_ENV, type DpopMicroConfig, type DpopMicroResult } from './micro/dpop-micro-config.js';
import { MICRO_CONFIG_ENV, type MicroConfig, type MicroResult } from './micro/micro-config.js';

/** Runs `script` with its input in a JSON file named by `envName`; resolves with the JSON it wrote. */
async function runMicroScript<Result>(
  script: string,
  envName: string,
  config: object,
  cpuProfileDir?: string,
): Promise<Result> {
  const path = builtScript(script);
  assertBuilt(path);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-micro-'));
  try {
    const input = join(dir, 'config.json');
    const resultFile = join(dir, 'result.json');
    writeFileSync(input, JSON.stringify({ ...config, resultFile }));
    const execArgv = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
    const child = spawn(process.execPath, [...execArgv, path], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', [envName]: input },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`${script} exited with ${code}:\n${stderr}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as Result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the micro benchmark; with `cpuProfileDir`, under `node --cpu-prof`. */
export function runMicroBenchmark(
  config: Omit<MicroConfig, 'resultFile'>,
  cpuProfileDir?: string,
): Promise<MicroResult[]> {
  return runMicroScript('micro/micro-benchmark.js', MICRO_CONFIG_ENV, config, cpuProfileDir);
}

/** Runs the DPoP micro benchmark: a fresh proof's cost next to a Bearer request's. */
export function runDpopMicroBenchmark(config: Omit<DpopMicroConfig, 'resultFile'>): Promise<DpopMicroResult[]> {
  return runMicroScript('micro/dpop-micro.js', DPOP_MICRO_CONFIG_ENV, config);
}

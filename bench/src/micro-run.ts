/**
 * Starts the micro benchmark in its own process and reads its results.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, builtScript } from './bench-paths.js';
import { MICRO_CONFIG_ENV, type MicroConfig, type MicroResult } from './micro/micro-config.js';

/** Runs the micro benchmark; with `cpuProfileDir`, under `node --cpu-prof`. */
export async function runMicroBenchmark(
  config: Omit<MicroConfig, 'resultFile'>,
  cpuProfileDir?: string,
): Promise<MicroResult[]> {
  const script = builtScript('micro/micro-benchmark.js');
  assertBuilt(script);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-micro-'));
  try {
    const input = join(dir, 'config.json');
    const resultFile = join(dir, 'result.json');
    writeFileSync(input, JSON.stringify({ ...config, resultFile }));
    const execArgv = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
    const child = spawn(process.execPath, [...execArgv, script], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', [MICRO_CONFIG_ENV]: input },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`micro benchmark exited with ${code}:\n${stderr}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as MicroResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

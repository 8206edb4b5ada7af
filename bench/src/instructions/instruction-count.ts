/**
 * Instruction counts (bench/README.md, "Instruction counts"): each subject runs in its own Node
 * process under `valgrind --tool=callgrind`, which counts the instructions the process executes,
 * all threads together, far less moved by whatever else the machine is doing than time. Each
 * subject runs twice, with `small` and `large` tokens after the same warm-up;
 * (large − small) / (large − small tokens) is the cost of one more token, V8's compilers left out
 * (`callgrind-file.ts`). The harness subject (the loop alone) is subtracted from every other
 * figure.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { assertBuilt, builtScript } from '../bench-paths.js';
import { AUDIENCE, createSigningKey } from '../tokens.js';
import { countThreadFile } from './callgrind-file.js';
import {
  INSTRUCTION_CONFIG_ENV,
  type InstructionAlgorithm,
  type InstructionConfig,
  type InstructionSubject,
} from './instruction-config.js';

const ISSUER = 'https://issuer.bench.test/';
const SECRET = 'bench-hs256-secret-0123456789abcdef-0123456789abcdef';

/** The shape of a run. */
export interface InstructionPlan {
  algorithms: readonly InstructionAlgorithm[];
  subjects: readonly InstructionSubject[];
  warmup: number;
  small: number;
  large: number;
  concurrency: number;
}

/**
 * Instructions per token of one subject for one algorithm (harness already subtracted), all
 * threads, V8's compilers left out (`callgrind-file.ts` says why).
 */
export interface InstructionFigure {
  alg: InstructionAlgorithm;
  subject: InstructionSubject;
  perToken: number;
  /** The same with V8's compilers counted (the figure of runs before 2026-12-02's second round). */
  withCompilationPerToken?: number;
  /** The raw counts of the two runs, all threads, compilation included. */
  counts: { small: number; large: number };
  /** The compilers' share of each run. */
  compileCounts?: { small: number; large: number };
}

export const DEFAULT_INSTRUCTION_PLAN: InstructionPlan = {
  algorithms: ['RS256', 'ES256', 'EdDSA', 'HS256'],
  subjects: ['harness', 'floor', 'jose', 'pipeline', 'pipeline-jose'],
  warmup: 1000,
  small: 500,
  large: 2500,
  concurrency: 32,
};

async function tokensFor(alg: InstructionAlgorithm, total: number): Promise<{ tokens: string[]; publicJwk?: JWK }> {
  const now = Math.floor(Date.now() / 1000);
  const claims = (i: number) => ({
    client_id: 'bench-client',
    scope: 'mcp:tools',
    jti: `${alg}-${i}`,
    sub: 'bench-user',
  });
  const sign = async (key: CryptoKey | Uint8Array, kid: string | undefined, i: number) =>
    new SignJWT(claims(i))
      .setProtectedHeader({ alg, typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 7200)
      .sign(key);
  const tokens: string[] = [];
  if (alg === 'HS256') {
    const secret = new TextEncoder().encode(SECRET);
    for (let i = 0; i < total; i++) tokens.push(await sign(secret, undefined, i));
    return { tokens };
  }
  const key = await createSigningKey(alg, `${alg.toLowerCase()}-1`);
  for (let start = 0; start < total; start += 32) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(32, total - start) }, (_, i) => sign(key.privateKey, key.kid, start + i)),
    );
    tokens.push(...batch);
  }
  return { tokens, publicJwk: key.publicJwk };
}

/**
 * Runs one process under callgrind, threads counted separately; returns its instruction count
 * (`Collected`, all threads) and the part of it that is V8 compiling.
 */
function countInstructions(configFile: string, outFile: string): Promise<{ total: number; compile: number }> {
  const script = builtScript('instructions/instruction-subject.js');
  assertBuilt(script);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${outFile}`,
        '--separate-threads=yes',
        '--dump-instr=no',
        '--smc-check=all-non-file',
        process.execPath,
        script,
      ],
      {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', [INSTRUCTION_CONFIG_ENV]: configFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr)?.[1];
      if (code !== 0 || collected === undefined) {
        reject(new Error(`callgrind run failed (${code}):\n${stderr.slice(-2000)}`));
        return;
      }
      const prefix = `${basename(outFile)}-`;
      const threads = readdirSync(dirname(outFile)).filter((name) => name.startsWith(prefix));
      const compile = threads.reduce((sum, name) => sum + countThreadFile(join(dirname(outFile), name)).compile, 0);
      resolve({ total: Number(collected), compile });
    });
  });
}

/** Counts every subject of the plan; `log` reports progress. */
export async function runInstructionCounts(
  plan: InstructionPlan,
  log: (line: string) => void = () => {},
): Promise<InstructionFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-instructions-'));
  const figures: InstructionFigure[] = [];
  try {
    for (const alg of plan.algorithms) {
      const { tokens, publicJwk } = await tokensFor(alg, plan.warmup + plan.large);
      const harness = new Map<number, { total: number; compile: number }>();
      const subjects = plan.subjects.includes('harness') ? plan.subjects : ['harness' as const, ...plan.subjects];
      for (const subject of subjects) {
        const counts = { small: 0, large: 0 };
        const compileCounts = { small: 0, large: 0 };
        for (const size of ['small', 'large'] as const) {
          const config: InstructionConfig = {
            subject,
            alg,
            issuer: ISSUER,
            audience: AUDIENCE,
            ...(publicJwk === undefined ? { secret: SECRET } : { publicJwk }),
            warmup: plan.warmup,
            count: plan[size],
            concurrency: plan.concurrency,
            tokens: tokens.slice(0, plan.warmup + plan[size]),
          };
          const configFile = join(dir, `${alg}-${subject}-${size}.json`);
          writeFileSync(configFile, JSON.stringify(config));
          const counted = await countInstructions(configFile, join(dir, `${alg}-${subject}-${size}.callgrind`));
          counts[size] = counted.total;
          compileCounts[size] = counted.compile;
          if (subject === 'harness') harness.set(plan[size], counted);
        }
        const added = plan.large - plan.small;
        const loopOf = (pick: (c: { total: number; compile: number }) => number) =>
          subject === 'harness'
            ? 0
            : (pick(harness.get(plan.large) ?? { total: 0, compile: 0 }) -
                pick(harness.get(plan.small) ?? { total: 0, compile: 0 })) /
              added;
        const running = (size: 'small' | 'large') => counts[size] - compileCounts[size];
        const perToken = (running('large') - running('small')) / added - loopOf((c) => c.total - c.compile);
        const withCompilation = (counts.large - counts.small) / added - loopOf((c) => c.total);
        figures.push({
          alg,
          subject,
          perToken: Math.round(perToken),
          withCompilationPerToken: Math.round(withCompilation),
          counts,
          compileCounts,
        });
        log(
          `instructions: ${alg} ${subject} ${Math.round(perToken).toLocaleString('en-US')} per token (${Math.round(withCompilation).toLocaleString('en-US')} with compilation)`,
        );
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a saved figure list (for rendering without running). */
export function readInstructionFigures(file: string): InstructionFigure[] {
  return JSON.parse(readFileSync(file, 'utf8')) as InstructionFigure[];
}

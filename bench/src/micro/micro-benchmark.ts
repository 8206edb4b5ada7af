/**
 * The micro benchmark (docs/performance.md): mcp-warden's verification pipeline against raw `jose.jwtVerify`
 * per algorithm, sequential and concurrent, on distinct tokens, in a process of its own.
 *
 * - raw jose: `jwtVerify(token, publicKey, { algorithms, issuer, audience })` with the key already
 *   imported: the least work jose can do for the same checks;
 * - pipeline: `authenticator.authenticate({ authorization: 'Bearer …' })` exactly as an adapter
 *   calls it (header parsing, remote JWKS key selection, jose, claim checks, AuthInfo, cache
 *   insertion). Every pass uses a fresh authenticator, so no token is ever a cache hit;
 * - node:crypto: `crypto.verify` of the same signatures, for reference.
 *
 * Rounds alternate which side goes first (ABBA) so drift on a shared machine hits both alike.
 *
 * @module
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type Authenticator, createAuthenticator } from '@mcp-warden/core';
import { importJWK, jwtVerify } from 'jose';
import { median } from '../stats.js';
import type { BenchAlgorithm } from '../tokens.js';
import { MICRO_CONFIG_ENV, type MicroConfig, type MicroResult } from './micro-config.js';

const config = JSON.parse(readFileSync(process.env[MICRO_CONFIG_ENV]!, 'utf8')) as MicroConfig;

type Verify = (token: string) => Promise<unknown>;

async function sequential(tokens: readonly string[], verify: Verify): Promise<number> {
  const started = performance.now();
  for (const token of tokens) await verify(token);
  return tokens.length / ((performance.now() - started) / 1000);
}

async function concurrent(tokens: readonly string[], verify: Verify, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) await verify(tokens[next++]!);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tokens.length / ((performance.now() - started) / 1000);
}

async function freshPipeline(alg: BenchAlgorithm, warmToken: string): Promise<Verify> {
  const authenticator: Authenticator = await createAuthenticator({
    authRequired: true,
    resourceUrl: config.audience,
    jwtIssuer: config.issuer,
    oauthJwksUri: config.jwksUri,
    jwtAlgorithms: [alg],
  });
  const verify: Verify = async (token) => {
    const result = await authenticator.authenticate({ authorization: `Bearer ${token}`, method: 'POST', path: '/mcp' });
    if (result.outcome !== 'authenticated')
      throw new Error(`pipeline did not accept a valid ${alg} token: ${result.outcome}`);
  };
  await verify(warmToken); // the JWKS fetch, outside the timed pass
  return verify;
}

function nodeCryptoVerifier(alg: BenchAlgorithm, key: KeyObject): (token: string) => void {
  return (token) => {
    const dot = token.lastIndexOf('.');
    const data = Buffer.from(token.slice(0, dot));
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    const ok =
      alg === 'RS256'
        ? cryptoVerify('sha256', data, key, signature)
        : alg === 'ES256'
          ? cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
          : cryptoVerify(null, data, key, signature);
    if (!ok) throw new Error('node:crypto rejected a valid token');
  };
}

const results: MicroResult[] = [];
for (const { alg, tokens, publicJwk } of config.algorithms) {
  const [warmToken, ...measured] = tokens;
  if (warmToken === undefined || measured.length === 0) throw new Error(`no ${alg} tokens`);
  const key = await importJWK(publicJwk, alg);
  const options = { algorithms: [alg], issuer: config.issuer, audience: config.audience };
  const jose: Verify = (token) => jwtVerify(token, key, options);
  const figures = {
    seqJose: [] as number[],
    seqPipeline: [] as number[],
    conJose: [] as number[],
    conPipe: [] as number[],
  };
  const crypto: number[] = [];
  const nodeVerify = nodeCryptoVerifier(
    alg,
    createPublicKey({ key: publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }),
  );

  // One untimed pass of each warms the JIT.
  await concurrent(measured.slice(0, 200), jose, config.concurrency);
  await concurrent(measured.slice(0, 200), await freshPipeline(alg, warmToken), config.concurrency);

  for (let round = 0; round < config.rounds; round++) {
    const joseFirst = round % 2 === 0;
    if (config.pipelineOnly) {
      figures.conPipe.push(await concurrent(measured, await freshPipeline(alg, warmToken), config.concurrency));
      continue;
    }
    for (const side of joseFirst ? ['jose', 'pipeline'] : ['pipeline', 'jose']) {
      if (side === 'jose') {
        figures.seqJose.push(await sequential(measured, jose));
        figures.conJose.push(await concurrent(measured, jose, config.concurrency));
      } else {
        figures.seqPipeline.push(await sequential(measured, await freshPipeline(alg, warmToken)));
        figures.conPipe.push(await concurrent(measured, await freshPipeline(alg, warmToken), config.concurrency));
      }
    }
    const started = performance.now();
    for (const token of measured) nodeVerify(token);
    crypto.push(measured.length / ((performance.now() - started) / 1000));
  }
  results.push({
    alg,
    tokens: measured.length,
    rounds: config.rounds,
    concurrency: config.concurrency,
    sequential: { jose: median(figures.seqJose), pipeline: median(figures.seqPipeline) },
    concurrent: { jose: median(figures.conJose), pipeline: median(figures.conPipe) },
    nodeCrypto: median(crypto),
  });
  process.stderr.write(`micro: ${alg} done\n`);
}
writeFileSync(config.resultFile, JSON.stringify(results));

/**
 * The DPoP micro benchmark (RFC 9449; docs/dpop.md, "What it costs"): what a fresh proof adds to a
 * request, in a process of its own. Both sides call `authenticator.authenticate()` exactly as an
 * adapter does, with one RS256 access token that is a verified-token cache hit after the first
 * request (the normal MCP client case):
 *
 * - Bearer: `Authorization: Bearer <token>`;
 * - DPoP: `Authorization: DPoP <bound token>` and a `DPoP` proof never seen before, checked in full
 *   (signature, claims, `ath`, the binding, the replay store), as on every request;
 * - jose: `jwtVerify` of the same proofs with their key already imported: the signature check
 *   alone, the floor of what a proof can cost.
 *
 * CPU time (user + system, every thread: WebCrypto runs on libuv's pool) per request is the
 * figure; rounds alternate their order (ABBA) and the medians are reported.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createAuthenticator } from '@mcp-warden/core';
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import { median } from '../stats.js';
import { DPOP_MICRO_CONFIG_ENV, type DpopMicroConfig, type DpopMicroResult } from './dpop-micro-config.js';

const config = JSON.parse(readFileSync(process.env[DPOP_MICRO_CONFIG_ENV]!, 'utf8')) as DpopMicroConfig;

const authenticator = await createAuthenticator({
  authRequired: true,
  resourceUrl: config.audience,
  jwtIssuer: config.issuer,
  oauthJwksUri: config.jwksUri,
  jwtAlgorithms: ['RS256'],
});

interface Measured {
  cpuUs: number;
  perSecond: number;
}

/** `count` calls of `work`, one after the other: CPU µs per call and calls per second. */
async function measure(count: number, work: (i: number) => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, perSecond: count / (elapsed / 1000) };
}

type Request = () => { authorization: string; dpop?: string };

/** `count` requests through the authenticator, each of which must pass. */
function pass(count: number, request: Request): Promise<Measured> {
  return measure(count, async () => {
    const result = await authenticator.authenticate({ method: 'POST', path: '/mcp', ...request() });
    if (result.outcome !== 'authenticated') {
      throw new Error(
        `a valid request was refused: ${result.outcome === 'rejected' ? result.error.code : result.outcome}`,
      );
    }
  });
}

const bearer: Request = () => ({ authorization: `Bearer ${config.bearerToken}` });
// Warm up: the JWKS fetch, the token's two verifications before it is cached, the JIT.
await pass(200, bearer);

const results: DpopMicroResult[] = [];
for (const { alg, token, proofs } of config.proofs) {
  let next = 0;
  const dpop: Request = () => ({ authorization: `DPoP ${token}`, dpop: proofs[next++]! });
  await pass(1, dpop); // the first proof imports the key; later ones reuse it
  // jose has no replay check, so it may verify the same proofs again.
  const key = await importJWK(decodeProtectedHeader(proofs[0]!).jwk as JWK, alg);
  const jose = async (i: number) => {
    await jwtVerify(proofs[i % proofs.length]!, key, { algorithms: [alg], typ: 'dpop+jwt' });
  };
  await measure(100, jose);

  const bearerCpu: number[] = [];
  const dpopCpu: number[] = [];
  const joseCpu: number[] = [];
  const added: number[] = [];
  const perSecond: number[] = [];
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? ['bearer', 'dpop', 'jose'] : ['jose', 'dpop', 'bearer'];
    let b = 0;
    let d = 0;
    for (const side of order) {
      if (side === 'bearer') b = (await pass(config.requests, bearer)).cpuUs;
      else if (side === 'jose') joseCpu.push((await measure(config.requests, jose)).cpuUs);
      else {
        const measured = await pass(config.requests, dpop);
        d = measured.cpuUs;
        perSecond.push(measured.perSecond);
      }
    }
    bearerCpu.push(b);
    dpopCpu.push(d);
    added.push(d - b);
  }
  results.push({
    alg,
    requests: config.requests,
    rounds: config.rounds,
    bearerCpuUs: median(bearerCpu),
    dpopCpuUs: median(dpopCpu),
    addedCpuUs: median(added),
    joseCpuUs: median(joseCpu),
    dpopPerSecond: median(perSecond),
  });
  process.stderr.write(`dpop micro: ${alg} done\n`);
}
await authenticator.close();
writeFileSync(config.resultFile, JSON.stringify(results));

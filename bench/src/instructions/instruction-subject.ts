/**
 * One measured process of the instruction count (bench/README.md, "Instruction counts"): verifies
 * `warmup + count` distinct tokens with one subject, then exits. Run under
 * `valgrind --tool=callgrind`, twice with different counts: the difference divided by the
 * difference in tokens is the cost of one more token, start-up and warm-up cancelled out.
 *
 * @module
 */
import { createHmac, createPublicKey, createSecretKey, verify as cryptoVerify, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '@mcp-warden/core';
import { importJWK, jwtVerify } from 'jose';
import { INSTRUCTION_CONFIG_ENV, type InstructionConfig } from './instruction-config.js';

const config = JSON.parse(readFileSync(process.env[INSTRUCTION_CONFIG_ENV]!, 'utf8')) as InstructionConfig;
const { alg, issuer, audience } = config;

type Verify = (token: string) => unknown;

/** node:crypto's own check of the same token: what any verifier must at least do. */
function floor(): Verify {
  const hmacKey = config.secret === undefined ? undefined : createSecretKey(Buffer.from(config.secret));
  const key =
    config.publicJwk === undefined ? undefined : createPublicKey({ key: config.publicJwk as never, format: 'jwk' });
  return (token) => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    const data = Buffer.from(token.slice(0, second), 'latin1');
    let ok: boolean;
    if (alg === 'HS256') {
      const mac = createHmac('sha256', hmacKey!).update(data).digest();
      ok = mac.length === signature.length && timingSafeEqual(mac, signature);
    } else if (alg === 'ES256') {
      ok = cryptoVerify('sha256', data, { key: key!, dsaEncoding: 'ieee-p1363' }, signature);
    } else {
      ok = cryptoVerify(alg === 'RS256' ? 'sha256' : null, data, key!, signature);
    }
    if (!ok || header.alg !== alg || typeof payload.exp !== 'number') throw new Error('floor refused a valid token');
    return payload;
  };
}

async function jose(): Promise<Verify> {
  const key =
    config.secret === undefined ? await importJWK(config.publicJwk!, alg) : new TextEncoder().encode(config.secret);
  const options = { algorithms: [alg], issuer, audience };
  return (token) => jwtVerify(token, key, options);
}

async function pipeline(jwtEngine: 'auto' | 'jose'): Promise<Verify> {
  let jwksUri: string | undefined;
  if (config.publicJwk !== undefined) {
    const body = JSON.stringify({ keys: [config.publicJwk] });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  }
  const authenticator = await createAuthenticator(
    {
      authRequired: true,
      resourceUrl: audience,
      jwtIssuer: issuer,
      jwtAlgorithms: [alg],
      jwtEngine,
      ...(jwksUri === undefined ? { jwtSecret: config.secret! } : { oauthJwksUri: jwksUri }),
    },
    // Under callgrind everything runs fifty times slower: the first JWKS fetch needs more than 5 s.
    { jwks: { timeoutMs: 600_000 } },
  );
  return async (token) => {
    const result = await authenticator.authenticate({ authorization: `Bearer ${token}`, method: 'POST', path: '/mcp' });
    if (result.outcome !== 'authenticated') throw new Error(`pipeline refused a valid ${alg} token`);
  };
}

const verify: Verify =
  config.subject === 'harness'
    ? (token) => token.length
    : config.subject === 'floor'
      ? floor()
      : config.subject === 'jose'
        ? await jose()
        : await pipeline(config.subject === 'pipeline' ? 'auto' : 'jose');

async function run(tokens: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) await verify(tokens[next++]!);
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
}

await run(config.tokens.slice(0, config.warmup));
await run(config.tokens.slice(config.warmup, config.warmup + config.count));
process.exit(0);

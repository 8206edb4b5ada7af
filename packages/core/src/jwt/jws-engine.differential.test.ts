// docs/security.md, "Two engines, one decision": the node:crypto engine must decide every token
// exactly as jose does. Generated tokens (valid ones and tokens wrong in every way a token can be:
// header, claims, encoding, signature, key) are decided by both engines, through the verifier with
// keys handed over by a resolver of every kind, and through whole authenticators (an HS secret, a
// static JWKS, a remote JWKS served over loopback), and the answers must
// be equal: accepted with the same AuthInfo, or refused with the same code, status and description.
// `pnpm test` runs a fixed seed; `pnpm --filter @mcp-warden/core test:differential:long` runs a
// million cases (DIFFERENTIAL_CASES, DIFFERENTIAL_SEED, DIFFERENTIAL_REPORT).
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createLocalJWKSet, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ALGORITHMS,
  buildToken,
  createKeyPool,
  ISSUER,
  ISSUER_ALIAS,
  type KeyPool,
  NOW,
  RESOURCE,
  rightSigner,
  SECRET,
  tokenCaseArbitrary,
} from '../__fixtures__/differential-tokens.js';
import type { Authenticator, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import { isAuthError } from '../errors/auth-error.js';
import { invalidToken, verifierUnavailable } from '../errors/auth-failures.js';
import { type JwsEngine, joseEngine } from './jws-engine.js';
import { createJwtVerifier, type VerifiedJwt } from './jwt-verifier.js';
import { loadNodeCrypto, nodeCryptoEngine } from './node-jws-engine.js';
import { type JwtKeyResolver, NoUsableKeyError } from './static-jwt-keys.js';

const TOTAL = Number(process.env.DIFFERENTIAL_CASES ?? 4000);
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20_261_202);
const LONG = TOTAL > 100_000;
/** Most cases go through the verifier (cheaper, every kind of key); the rest through authenticators. */
const VERIFIER_CASES = Math.round(TOTAL * (LONG ? 0.9 : 0.75));
const AUTHENTICATOR_CASES = TOTAL - VERIFIER_CASES;
/** Cases per chunk of a long run. */
const CHUNK = 25_000;

let pool: KeyPool;
let nodeEngine: JwsEngine;
let candidateKeys: unknown[];
let rightKeys: Map<string, unknown>;
let localSet: JwtKeyResolver;
let jwksServer: Server;
let jwksUri: string;
const authenticators: { node: Authenticator[]; jose: Authenticator[] } = { node: [], jose: [] };
const started = Date.now();
const tally = { verifier: 0, authenticator: 0, accepted: 0, chunks: 0, refused: new Map<string, number>() };

beforeAll(async () => {
  const modules = loadNodeCrypto();
  if (modules === undefined) throw new Error('node:crypto is not available to the test');
  nodeEngine = nodeCryptoEngine(modules);
  pool = createKeyPool();
  const subtle = globalThis.crypto.subtle;
  const jwk = (id: string) => pool.keys[id]!.jwk;
  // The keys a resolver may hand over, right or wrong for the token: CryptoKeys imported for
  // every algorithm family (and the wrong curve, the wrong hash, a weak modulus, a private key,
  // no `verify` usage, an HMAC key), raw secrets (right, wrong, empty, the public key's text),
  // and shapes the node:crypto engine leaves to jose (a JWK object, a KeyObject, a string).
  candidateKeys = [
    await importJWK(jwk('rsa-a'), 'RS256'),
    await importJWK(jwk('rsa-a'), 'RS512'),
    await importJWK(jwk('rsa-a'), 'PS256'),
    await importJWK(jwk('rsa-a'), 'PS384'),
    await importJWK(jwk('rsa-b'), 'RS256'),
    await importJWK(jwk('rsa-weak'), 'RS256'),
    await importJWK(jwk('rsa-weak'), 'PS256'),
    await importJWK(jwk('ec-256'), 'ES256'),
    await importJWK(jwk('ec-384'), 'ES384'),
    await importJWK(jwk('ec-521'), 'ES512'),
    await importJWK(jwk('ed25519'), 'EdDSA'),
    await importJWK(jwk('attacker-rsa'), 'RS256'),
    await subtle.importKey('jwk', jwk('rsa-a'), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, []),
    await subtle.importKey('raw', pool.secrets.secret!, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']),
    await subtle.importKey('raw', pool.secrets.secret!, { name: 'HMAC', hash: 'SHA-384' }, false, ['verify']),
    await subtle.importKey(
      'jwk',
      pool.keys['ec-256']!.privateKey.export({ format: 'jwk' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    ),
    pool.secrets.secret,
    pool.secrets['wrong-secret'],
    pool.secrets['pem-as-secret'],
    new Uint8Array(0),
    { ...jwk('rsa-a') },
    { ...jwk('ec-256') },
    pool.keys['rsa-a']!.publicKey,
    pool.keys.ed25519!.publicKey,
    'not a key',
  ];
  rightKeys = new Map();
  for (const alg of ALGORITHMS) {
    const signer = rightSigner(alg);
    rightKeys.set(alg, pool.secrets[signer.key] ?? (await importJWK(pool.keys[signer.key]!.jwk, alg)));
  }
  localSet = createLocalJWKSet(pool.jwks) as JwtKeyResolver;

  jwksServer = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(pool.jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;

  for (const jwtEngine of ['node', 'jose'] as const) {
    const common = {
      authRequired: true,
      resourceUrl: RESOURCE,
      jwtIssuer: ISSUER,
      jwtClockTolerance: 5,
      // Every token goes through the engine, never the verified-token cache.
      tokenCacheMaxEntries: 0,
      jwtEngine,
    };
    authenticators[jwtEngine].push(
      await createAuthenticator({
        ...common,
        jwtAlgorithms: ALGORITHMS.filter((alg) => alg.startsWith('HS')),
        jwtSecret: SECRET,
      }),
      await createAuthenticator({
        ...common,
        jwtAlgorithms: ALGORITHMS.filter((alg) => !alg.startsWith('HS')),
        jwtPublicKey: JSON.stringify(pool.jwks),
      }),
      await createAuthenticator({
        ...common,
        jwtAlgorithms: ALGORITHMS.filter((alg) => !alg.startsWith('HS')),
        oauthJwksUri: jwksUri,
        jwtRequireAtJwtType: true,
      }),
    );
  }
  // Every case is decided at the same instant, so time claims sit exactly on their edges.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
}, 120_000);

/** The figures of the run so far: written after every chunk, so a long run stopped early still tells how far it got. */
function report(finished: boolean) {
  const now = vi.isFakeTimers() ? vi.getRealSystemTime() : Date.now();
  return {
    finished,
    cases: tally.verifier + tally.authenticator,
    verifierCases: tally.verifier,
    authenticatorCases: tally.authenticator,
    differences: 0,
    accepted: tally.accepted,
    refusedByCode: Object.fromEntries([...tally.refused].sort(([a], [b]) => a.localeCompare(b))),
    seeds: `${SEED}…${SEED + Math.max(0, tally.chunks - 1)} (one per chunk of ${CHUNK} cases)`,
    durationSeconds: Math.round((now - started) / 1000),
    node: process.version,
    date: new Date(now).toISOString(),
  };
}

function writeReport(finished: boolean): void {
  if (process.env.DIFFERENTIAL_REPORT) {
    writeFileSync(process.env.DIFFERENTIAL_REPORT, JSON.stringify(report(finished), null, 2));
  }
}

/**
 * Runs `property` for `total` cases: in one go with {@link SEED}, or in a long run in chunks of
 * {@link CHUNK} cases, chunk `i` with seed `SEED + i`, the report written after each.
 */
async function runCases<T>(property: fc.IAsyncProperty<T>, total: number, seedOffset: number): Promise<void> {
  if (!LONG) {
    await fc.assert(property, { seed: SEED + seedOffset, numRuns: total, endOnFailure: true });
    return;
  }
  for (let done = 0; done < total; done += CHUNK) {
    await fc.assert(property, {
      seed: SEED + tally.chunks,
      numRuns: Math.min(CHUNK, total - done),
      endOnFailure: true,
    });
    tally.chunks++;
    writeReport(false);
  }
}

afterAll(async () => {
  vi.useRealTimers();
  for (const authenticator of [...authenticators.node, ...authenticators.jose]) await authenticator.close();
  jwksServer?.closeAllConnections();
  await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
  writeReport(true);
  if (LONG) process.stdout.write(`differential: ${JSON.stringify(report(true))}\n`);
});

/** What a caller can observe of a decision. */
function observed(outcome: { value: VerifiedJwt } | { error: unknown }, count = false): unknown {
  if ('value' in outcome) {
    if (count) tally.accepted++;
    return { accepted: outcome.value };
  }
  const { error } = outcome;
  if (!isAuthError(error)) return { thrown: String(error) };
  if (count) tally.refused.set(error.code, (tally.refused.get(error.code) ?? 0) + 1);
  return { code: error.code, status: error.status, error: error.error, description: error.description };
}

function settle(promise: Promise<VerifiedJwt>) {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

type KeyMode = 'right' | 'candidate' | 'local-set' | 'no-key' | 'unavailable' | 'foreign-issuer';

/** A resolver of the given kind; the same one (same state) is handed to both engines. */
function resolverFor(mode: KeyMode, pick: number, asynchronous: boolean): JwtKeyResolver {
  const answer = <T>(value: T) => (asynchronous ? Promise.resolve(value) : value);
  switch (mode) {
    case 'right':
      return (header) => {
        const key = rightKeys.get(String(header.alg));
        if (key === undefined) throw new NoUsableKeyError('no key for this alg');
        return answer(key) as CryptoKey;
      };
    case 'candidate':
      return () => answer(candidateKeys[pick % candidateKeys.length]) as CryptoKey;
    case 'local-set':
      return localSet;
    case 'no-key':
      return () => {
        throw new NoUsableKeyError('no configured key');
      };
    case 'unavailable':
      return () => Promise.reject(verifierUnavailable(5));
    default:
      return () => {
        throw invalidToken('ERR_ISSUER_MISMATCH', 'Invalid token issuer');
      };
  }
}

const verifierSetup = fc.record({
  algorithms: fc.oneof(
    { weight: 4, arbitrary: fc.constant([...ALGORITHMS]) },
    { weight: 1, arbitrary: fc.subarray([...ALGORITHMS], { minLength: 1 }) },
  ),
  issuer: fc.constantFrom(undefined, ISSUER, [ISSUER, ISSUER_ALIAS]),
  clockTolerance: fc.constantFrom(0, 5, 60),
  requireAtJwtType: fc.boolean(),
  keyMode: fc.oneof(
    { weight: 10, arbitrary: fc.constant<KeyMode>('right') },
    { weight: 4, arbitrary: fc.constant<KeyMode>('candidate') },
    { weight: 4, arbitrary: fc.constant<KeyMode>('local-set') },
    { weight: 1, arbitrary: fc.constantFrom<KeyMode>('no-key', 'unavailable', 'foreign-issuer') },
  ),
  pick: fc.nat(1000),
  asynchronous: fc.boolean(),
  /** A remote JWKS's memo: the key handed over without calling the resolver. */
  knownKey: fc.boolean(),
});

describe('the node:crypto engine decides exactly like jose', () => {
  it(
    `through the verifier, with keys of every kind: ${VERIFIER_CASES} cases (seed ${SEED})`,
    async () => {
      await runCases(
        fc.asyncProperty(tokenCaseArbitrary, verifierSetup, async (tokenCase, setup) => {
          const token = buildToken(pool, tokenCase);
          const resolveKey = resolverFor(setup.keyMode, setup.pick, setup.asynchronous);
          const known = setup.knownKey ? candidateKeys[setup.pick % candidateKeys.length] : undefined;
          const options = {
            algorithms: setup.algorithms,
            ...(setup.issuer === undefined ? {} : { issuer: setup.issuer }),
            audiences: [RESOURCE],
            clockTolerance: setup.clockTolerance,
            requireAtJwtType: setup.requireAtJwtType,
            resourceUrl: RESOURCE,
            resolveKey,
            ...(known === undefined ? {} : { knownKey: () => known as CryptoKey }),
          };
          const byNode = await settle(createJwtVerifier({ ...options, engine: nodeEngine })(token));
          const byJose = await settle(createJwtVerifier({ ...options, engine: joseEngine })(token));
          tally.verifier++;
          expect(observed(byNode, true)).toEqual(observed(byJose));
        }),
        VERIFIER_CASES,
        0,
      );
    },
    3_600_000 * 4,
  );

  it(
    `through whole authenticators (HS secret; static JWKS; remote JWKS): ${AUTHENTICATOR_CASES} cases (seed ${SEED})`,
    async () => {
      const decide = (authenticator: Authenticator, token: string) =>
        authenticator.authenticate({ method: 'POST', path: '/mcp', authorization: `Bearer ${token}` });
      const view = (result: AuthResult, count = false) => {
        if (count && result.outcome === 'authenticated') tally.accepted++;
        if (count && result.outcome === 'rejected') {
          tally.refused.set(result.error.code, (tally.refused.get(result.error.code) ?? 0) + 1);
        }
        return result.outcome === 'rejected'
          ? { code: result.error.code, status: result.status, headers: result.headers, body: result.body }
          : result;
      };
      await runCases(
        fc.asyncProperty(tokenCaseArbitrary, fc.nat(2), async (tokenCase, which) => {
          const token = buildToken(pool, tokenCase);
          const byNode = await decide(authenticators.node[which]!, token);
          const byJose = await decide(authenticators.jose[which]!, token);
          tally.authenticator++;
          expect(view(byNode, true)).toEqual(view(byJose));
        }),
        AUTHENTICATOR_CASES,
        1,
      );
    },
    3_600_000 * 4,
  );

  it('the generator reaches acceptance and every kind of refusal', () => {
    if (LONG) return; // the long run's figures are in its report
    expect(tally.accepted).toBeGreaterThan(TOTAL / 20);
    for (const code of [
      'ERR_CREDENTIALS_INVALID',
      'ERR_TOKEN_EXPIRED',
      'ERR_TOKEN_NOT_YET_VALID',
      'ERR_TOKEN_TIME_INVALID',
      'ERR_TOKEN_TYPE_INVALID',
      'ERR_AUDIENCE_MISMATCH',
      'ERR_ISSUER_MISMATCH',
      'ERR_VERIFIER_UNAVAILABLE',
    ]) {
      expect(tally.refused.get(code) ?? 0, code).toBeGreaterThan(0);
    }
  });
});

// The differences the generator must be able to see, shown once by hand so a generator that
// stopped producing them would not go unnoticed.
describe('the differential harness notices a difference', () => {
  it('an engine that skips the signature check is told apart from jose', async () => {
    const careless: JwsEngine = (options) => {
      const check = nodeEngine(options);
      return (token) => {
        const [header, payload] = token.split('.');
        return check(`${header}.${payload}.${token.split('.')[2]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`);
      };
    };
    const token = buildToken(pool, {
      header: { alg: 'RS256', kid: 'rsa-a' },
      headerForm: 'json',
      claims: { iss: ISSUER, aud: RESOURCE, exp: NOW + 300 },
      rawClaims: {},
      payloadForm: 'json',
      signer: rightSigner('RS256'),
      mutation: 'none',
      mutationAt: 0,
    });
    const options = {
      algorithms: ['RS256'],
      audiences: [RESOURCE],
      clockTolerance: 5,
      requireAtJwtType: false,
      resourceUrl: RESOURCE,
      resolveKey: resolverFor('right', 0, false),
    };
    const byJose = observed(await settle(createJwtVerifier({ ...options, engine: joseEngine })(token)));
    const byCareless = observed(await settle(createJwtVerifier({ ...options, engine: careless })(token)));
    expect(byJose).toMatchObject({ accepted: expect.anything() });
    expect(byCareless).not.toEqual(byJose);
  });

  it('the pool signs a valid token for every algorithm, accepted by both engines', async () => {
    for (const alg of ALGORITHMS) {
      const token = buildToken(pool, {
        header: { alg },
        headerForm: 'json',
        claims: { iss: ISSUER, aud: RESOURCE, exp: NOW + 300 },
        rawClaims: {},
        payloadForm: 'json',
        signer: rightSigner(alg),
        mutation: 'none',
        mutationAt: 0,
      });
      for (const engine of [nodeEngine, joseEngine]) {
        const verify = createJwtVerifier({
          algorithms: [alg],
          audiences: [RESOURCE],
          clockTolerance: 0,
          requireAtJwtType: false,
          resourceUrl: RESOURCE,
          resolveKey: resolverFor('right', 0, false),
          engine,
        });
        await expect(verify(token), alg).resolves.toMatchObject({ exp: NOW + 300 });
      }
    }
  });
});

// Fuzzing (docs/security.md): fast-check generates credential headers (arbitrary bytes, token68 strings,
// JWT-shaped tokens with hostile headers and claims, mutations of a valid token and a valid API
// key, mutations of valid HTTP Basic credentials and base64 of arbitrary bytes, other schemes,
// repeated headers) and sends each, byte for byte, to the real server on each
// framework. Property: the server always answers, with a 4xx and a JSON error; never 2xx, 3xx or
// 5xx. At least 10,000 cases per framework (FUZZ_CASES).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS } from '../e2e/server-process.js';
import { createProviderKey, type FakeProvider, type ProviderKey, startFakeProvider } from './fake-provider.js';
import { segment, signRs256 } from './forge.js';
import { jsonOf, rawRequest } from './raw-http.js';
import { FUZZ_CASES, REPORT_DIR } from './suite-mode.js';
import { HardeningContext, type WardenUnderTest } from './warden-under-test.js';

const context = new HardeningContext();
const { ledger } = context;
let provider: FakeProvider;
let attackerKey: ProviderKey;
/** Cases sent at once. */
const FUZZ_BATCH = 20;
const tried: Record<string, { cases: number; statuses: Record<string, number> }> = {};

beforeAll(async () => {
  provider = await startFakeProvider();
  attackerKey = await createProviderKey('k1');
}, 30_000);

afterAll(async () => {
  await context.stopAll();
  await provider?.close();
  if (REPORT_DIR !== undefined) {
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, 'fuzz.json'), `${JSON.stringify(tried, null, 2)}\n`);
  }
  console.log(`fuzz figures ${JSON.stringify(tried)}`);
});

/** Header lines as raw latin1 text: any byte but CR and LF (framing is the HTTP parser's job). */
const anyBytes = (maxLength: number) =>
  fc
    .uint8Array({ maxLength })
    .map((bytes) => Buffer.from(bytes.map((byte) => (byte === 13 || byte === 10 ? 32 : byte))).toString('latin1'));

const TOKEN68 = /^[A-Za-z0-9\-._~+/]{1,600}=*$/;

type MutationSpec =
  | { op: 'replace'; at: number; char: string }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; char: string }
  | { op: 'truncate'; at: number }
  | { op: 'append'; text: string }
  | { op: 'swapCase'; at: number };

/** One byte-sized character (the request is written as latin1), never CR or LF. */
const oneChar = fc
  .integer({ min: 0, max: 255 })
  .filter((code) => code !== 10 && code !== 13)
  .map((code) => String.fromCharCode(code));

/** Edits that always change a value, each at a generated position. */
const mutation: fc.Arbitrary<MutationSpec> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: oneChar }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), char: oneChar }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('append' as const), text: fc.string({ minLength: 1, maxLength: 40 }) }),
  fc.record({ op: fc.constant('swapCase' as const), at: fc.nat() }),
);

function mutate(value: string, m: MutationSpec): string {
  const at = 'at' in m ? m.at % value.length : 0;
  const head = value.slice(0, at);
  const tail = value.slice(at + 1);
  switch (m.op) {
    case 'replace':
      return m.char === value[at] ? `${head}${value[at] === 'A' ? 'B' : 'A'}${tail}` : head + m.char + tail;
    case 'delete':
      return head + tail;
    case 'insert':
      return head + m.char + value.slice(at);
    case 'truncate':
      return head;
    case 'append':
      return value + m.text;
    case 'swapCase': {
      const char = value[at]!;
      const swapped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return swapped === char ? head + tail : head + swapped + tail;
    }
  }
}

describe.concurrent('fuzzing', () => {
  for (const framework of FRAMEWORKS) {
    it(`${framework}: ${FUZZ_CASES} generated header/token cases: always a 4xx JSON answer, never an acceptance or a 5xx`, async () => {
      const server: WardenUnderTest = await context.start(framework, provider);
      const now = Math.floor(Date.now() / 1000);
      const validToken = ledger.add(await provider.mint(server.resource));
      const validKey = server.apiKeys[0];
      const validBasic = server.basicUsers[0].authorization.slice('Basic '.length);
      // Control: both valid credentials work, so a refusal below is about the mutation.
      expect((await rawRequest(server.port, { headers: [['Authorization', `Bearer ${validToken}`]] })).status).toBe(
        200,
      );
      expect((await rawRequest(server.port, { headers: [['X-API-Key', validKey]] })).status).toBe(200);
      expect((await rawRequest(server.port, { headers: [['Authorization', `Basic ${validBasic}`]] })).status).toBe(200);

      const claims = fc.record(
        {
          iss: fc.oneof(fc.constant(provider.issuer), fc.webUrl(), fc.jsonValue()),
          aud: fc.oneof(fc.constant(server.resource), fc.webUrl(), fc.array(fc.webUrl()), fc.jsonValue()),
          exp: fc.oneof(fc.integer({ min: now - 10_000, max: now + 10_000 }), fc.jsonValue()),
          nbf: fc.integer({ min: now - 10_000, max: now + 10_000 }),
          scope: fc.string(),
          sub: fc.string(),
        },
        { requiredKeys: [] },
      );
      const joseHeader = fc.record(
        {
          alg: fc.oneof(
            fc.constantFrom('RS256', 'none', 'None', 'HS256', 'ES256', 'PS256', 'EdDSA', 'RSA-OAEP', 'dir'),
            fc.jsonValue(),
          ),
          kid: fc.oneof(fc.constantFrom('k1', 'k2', '../k1', "k1' OR 1=1"), fc.string(), fc.jsonValue()),
          typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt', 'application/at+jwt', 'JWE'), fc.jsonValue()),
          jku: fc.webUrl(),
          x5u: fc.webUrl(),
          jwk: fc.constant(attackerKey.jwk),
          crit: fc.array(fc.string(), { maxLength: 3 }),
          cty: fc.constantFrom('JWT', 'json'),
          enc: fc.constantFrom('A256GCM', 'A128CBC-HS256'),
        },
        { requiredKeys: [] },
      );
      const signature = fc.oneof(
        fc.base64String({ maxLength: 400 }).map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
        fc.constant(validToken.split('.')[2]!),
        fc.constant(''),
      );

      const bearerValue = fc.oneof(
        // Arbitrary bytes as the whole header value, or after the scheme.
        anyBytes(300),
        anyBytes(300).map((bytes) => `Bearer ${bytes}`),
        // token68 strings: opaque tokens (API key check, then introspection).
        fc.stringMatching(TOKEN68).map((token) => `Bearer ${token}`),
        // JWT-shaped: hostile headers and claims under a random or borrowed signature.
        fc
          .tuple(fc.oneof(joseHeader, fc.jsonValue()), fc.oneof(claims, fc.jsonValue()), signature)
          .map(([header, payload, sig]) => `Bearer ${segment(header)}.${segment(payload)}.${sig}`),
        // JWT-shaped with a real signature, by the attacker's key under the provider's kid.
        fc
          .tuple(joseHeader, claims)
          .map(
            ([header, payload]) => `Bearer ${signRs256({ ...header, alg: 'RS256' }, payload, attackerKey.privateKey)}`,
          ),
        // The valid token, changed (never only by trailing whitespace, which HTTP strips).
        mutation
          .map((m) => mutate(validToken, m))
          .filter((token) => token.trim() !== validToken)
          .map((token) => `Bearer ${token}`),
        // HTTP Basic (RFC 7617): the valid credentials changed (never only by surrounding
        // whitespace), base64 of arbitrary bytes (invalid UTF-8, no colon, control characters),
        // and a user id and password made of arbitrary text.
        mutation
          .map((m) => mutate(validBasic, m))
          .filter((credentials) => credentials.trim() !== validBasic)
          .map((credentials) => `Basic ${credentials}`),
        fc.uint8Array({ maxLength: 120 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
        fc
          .tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }))
          .map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`),
        // The valid token under another scheme or separator.
        fc
          .constantFrom('Basic', 'Digest', 'Token', 'DPoP', 'MAC', 'Bearer:', 'Bearerx', 'Bearer\t', 'JWT', 'Bearer,')
          .map((scheme) => `${scheme}${scheme.endsWith('\t') || scheme.endsWith(',') ? '' : ' '}${validToken}`),
      );
      const apiKeyValue = fc.oneof(
        anyBytes(200),
        fc.string({ maxLength: 100 }),
        // The valid key, changed (never only by surrounding whitespace, which is trimmed).
        mutation.map((m) => mutate(validKey, m)).filter((key) => key.trim() !== validKey),
      );
      const headerLines = fc.oneof(
        bearerValue.map((value) => [['Authorization', value]] as [string, string][]),
        apiKeyValue.map((value) => [['X-API-Key', value]] as [string, string][]),
        fc.tuple(bearerValue, apiKeyValue).map(
          ([a, k]) =>
            [
              ['Authorization', a],
              ['X-API-Key', k],
            ] as [string, string][],
        ),
        // Repeated headers: never first-wins, even when one (or both) carries the valid token.
        fc.tuple(fc.oneof(bearerValue, fc.constant(`Bearer ${validToken}`)), bearerValue).map(
          ([a, b]) =>
            [
              ['Authorization', a],
              ['Authorization', b],
            ] as [string, string][],
        ),
        fc.constant([
          ['Authorization', `Bearer ${validToken}`],
          ['Authorization', `Bearer ${validToken}`],
        ] as [string, string][]),
        fc.tuple(apiKeyValue, apiKeyValue).map(
          ([a, b]) =>
            [
              ['X-API-Key', a],
              ['X-API-Key', b],
            ] as [string, string][],
        ),
      );

      const statuses: Record<string, number> = {};
      let cases = 0;
      const request = fc.tuple(headerLines, fc.constantFrom('POST', 'GET', 'DELETE'));
      // Cases go out in concurrent batches (a slow answer, such as an introspection round trip,
      // does not serialise the run); fast-check still shrinks a failing batch to its culprit.
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), async (batch) => {
          await Promise.all(
            batch.map(async ([headers, method]) => {
              cases++;
              for (const [name, value] of headers) {
                if (name === 'Authorization') ledger.addAuthorization(value);
                else ledger.add(value);
              }
              const res = await rawRequest(server.port, { method, headers });
              statuses[res.status] = (statuses[res.status] ?? 0) + 1;
              const what = `${method} ${JSON.stringify(headers).slice(0, 1000)} → ${res.status} ${res.body.slice(0, 200)}`;
              expect(res.status, what).toBeGreaterThanOrEqual(400);
              expect(res.status, what).toBeLessThan(500);
              expect(jsonOf(res), what).toMatchObject({
                error: expect.any(String),
                error_description: expect.any(String),
              });
            }),
          );
        }),
        { numRuns: Math.ceil(FUZZ_CASES / FUZZ_BATCH), endOnFailure: true },
      );
      tried[framework] = { cases, statuses };
      expect(cases).toBeGreaterThanOrEqual(FUZZ_CASES);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }, 600_000);
  }
});

describe('secrets', () => {
  it('no token, API key, secret or Authorization value sent in this file appears in any server log', () => {
    expect(ledger.size).toBeGreaterThan(1000);
    expect(ledger.leaksIn(context.allOutput())).toEqual([]);
  });
});

/**
 * The load the suite puts on a server (docs/security.md, "The hardening suite"): autocannon at 100 connections, each
 * request drawn from a weighted mix of valid and invalid credentials, every answer tallied by the
 * kind of request that caused it, so "zero valid requests refused" and "zero invalid requests
 * accepted" are counted, not inferred from totals.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import type { CredentialLedger } from './credential-ledger.js';
import type { FakeProvider, ProviderKey } from './fake-provider.js';
import { signRs256 } from './forge.js';
import { TOOLS_LIST_BODY } from './raw-http.js';
import type { WardenUnderTest } from './warden-under-test.js';

/** What a request carries, and whether it must be accepted. */
export interface TrafficKind {
  name: string;
  valid: boolean;
  /** Relative frequency in the mix. */
  weight: number;
  /** The credential headers of the next request of this kind. */
  headers(): Record<string, string>;
}

/** Answers per kind of request: status → count. */
export type Tally = Record<string, Record<string, number>>;

export interface LoadOutcome {
  tally: Tally;
  /** Requests answered, all kinds. */
  answered: number;
  validAnswered: number;
  validRefused: number;
  invalidAccepted: number;
  serverErrors: number;
  /** Connection errors and timeouts autocannon saw (a lost request is one of these). */
  errors: number;
  timeouts: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  durationSeconds: number;
}

/** Cycles through `values`. */
function cycle<T>(values: readonly T[]): () => T {
  let next = 0;
  return () => values[next++ % values.length]!;
}

/** Pre-minted valid JWTs (distinct, so verification, not only the cache, is under load). */
export async function mintPool(
  provider: FakeProvider,
  server: WardenUnderTest,
  size: number,
  ledger: CredentialLedger,
) {
  return Promise.all(
    Array.from({ length: size }, async (_, i) =>
      ledger.add(await provider.mint(server.resource, { sub: `load-user-${i}`, jti: randomBytes(8).toString('hex') })),
    ),
  );
}

/**
 * The issue's mix: valid (JWT, both API keys), invalid (forged signature, expired, other audience,
 * wrong API key, malformed header) and missing credentials.
 */
export async function standardMix(
  provider: FakeProvider,
  server: WardenUnderTest,
  ledger: CredentialLedger,
  attackerKey: ProviderKey,
  validJwts: () => string,
): Promise<TrafficKind[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: provider.issuer, aud: server.resource, sub: 'forger', iat: now, exp: now + 3600 };
  const forged = cycle(
    Array.from({ length: 50 }, (_, i) =>
      ledger.add(
        signRs256({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' }, { ...claims, jti: `f${i}` }, attackerKey.privateKey),
      ),
    ),
  );
  const expired = cycle(
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        ledger.add(await provider.mint(server.resource, { sub: `expired-${i}`, iat: now - 7200, exp: now - 3600 })),
      ),
    ),
  );
  const otherAudience = cycle(
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        ledger.add(await provider.mint('http://127.0.0.1:1/other', { sub: `elsewhere-${i}` })),
      ),
    ),
  );
  const wrongKeys = cycle(Array.from({ length: 50 }, () => ledger.add(`hk_${randomBytes(18).toString('base64url')}`)));
  const [plainKey, digestKey] = server.apiKeys;
  const [plainUser, digestUser] = server.basicUsers;
  const wrongPasswords = cycle(
    Array.from({ length: 50 }, () =>
      ledger.addAuthorization(
        `Basic ${Buffer.from(`${plainUser.user}:${randomBytes(16).toString('hex')}`).toString('base64')}`,
      ),
    ),
  );
  return [
    // About a third of the traffic stays JWTs, the one kind whose verification work the runs measure.
    { name: 'valid JWT', valid: true, weight: 5, headers: () => ({ authorization: `Bearer ${validJwts()}` }) },
    { name: 'valid API key', valid: true, weight: 1, headers: () => ({ 'x-api-key': plainKey }) },
    {
      name: 'valid API key (sha256 entry)',
      valid: true,
      weight: 1,
      headers: () => ({ authorization: `Bearer ${digestKey}` }),
    },
    { name: 'valid Basic user', valid: true, weight: 1, headers: () => ({ authorization: plainUser.authorization }) },
    {
      name: 'valid Basic user (sha256 entry)',
      valid: true,
      weight: 1,
      headers: () => ({ authorization: digestUser.authorization }),
    },
    { name: 'wrong Basic password', valid: false, weight: 1, headers: () => ({ authorization: wrongPasswords() }) },
    { name: 'forged signature', valid: false, weight: 1, headers: () => ({ authorization: `Bearer ${forged()}` }) },
    { name: 'expired JWT', valid: false, weight: 1, headers: () => ({ authorization: `Bearer ${expired()}` }) },
    {
      name: 'other audience',
      valid: false,
      weight: 1,
      headers: () => ({ authorization: `Bearer ${otherAudience()}` }),
    },
    { name: 'wrong API key', valid: false, weight: 1, headers: () => ({ 'x-api-key': wrongKeys() }) },
    {
      name: 'malformed Authorization',
      valid: false,
      weight: 1,
      headers: () => ({ authorization: 'Digest username="foo"' }),
    },
    { name: 'no credentials', valid: false, weight: 1, headers: () => ({}) },
  ];
}

/** Runs the mix against `server` for `seconds` at `connections`, tallying every answer. */
export async function runMixedLoad(
  server: WardenUnderTest,
  kinds: TrafficKind[],
  options: { seconds: number; connections: number },
): Promise<LoadOutcome> {
  const schedule = kinds.flatMap((kind) => Array.from({ length: kind.weight }, () => kind));
  const tally: Tally = Object.fromEntries(kinds.map((kind) => [kind.name, {}]));
  let turn = 0;
  let answered = 0;
  let validAnswered = 0;
  let validRefused = 0;
  let invalidAccepted = 0;
  let serverErrors = 0;

  const result = await autocannon({
    url: server.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/mcp',
        setupRequest(request, context) {
          const kind = schedule[turn++ % schedule.length]!;
          (context as { kind?: TrafficKind }).kind = kind;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              ...kind.headers(),
            },
            body: TOOLS_LIST_BODY,
          };
        },
        onResponse(status, _body, context) {
          const kind = (context as { kind?: TrafficKind }).kind;
          if (kind === undefined) return;
          answered++;
          const counts = tally[kind.name]!;
          counts[status] = (counts[status] ?? 0) + 1;
          if (status >= 500) serverErrors++;
          if (kind.valid) {
            validAnswered++;
            if (status !== 200) validRefused++;
          } else if (status < 400) {
            invalidAccepted++;
          }
        },
      },
    ],
  });

  return {
    tally,
    answered,
    validAnswered,
    validRefused,
    invalidAccepted,
    serverErrors,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP99Ms: result.latency.p99,
    durationSeconds: result.duration,
  };
}

/**
 * Runs every case against every adapter over real HTTP on 127.0.0.1:0, then checks that the three
 * adapters answered each case identically: a behaviour difference is a failing test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures, DPOP_ALGS, RESOURCE_METADATA_URL, RESOURCE_URL } from './__fixtures__/keys-and-tokens.js';
import type { AdapterHarness, RunningApp } from './adapter-harness.js';
import { CASES, type ConformanceCase } from './cases.js';
import { parseChallenges } from './challenge.js';
import { expressHarness } from './express-harness.js';
import { fastifyHarness } from './fastify-harness.js';
import { honoHarness } from './hono-harness.js';
import { type CaseRequest, exchange, type ObservedResponse } from './http-exchange.js';
import {
  buildScenario,
  challengeSchemes,
  type Environment,
  SCENARIOS,
  type ScenarioName,
  startDownJwks,
} from './scenarios.js';

const HARNESSES: AdapterHarness[] = [expressHarness, fastifyHarness, honoHarness];

/** Headers whose value is the adapter's behaviour (not the framework's transport details). */
const COMPARED_HEADERS = [
  'www-authenticate',
  'retry-after',
  'allow',
  'cache-control',
  'content-length',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'vary',
];

const fixtures = await createFixtures();
const downJwks = await startDownJwks();
const environment: Environment = { fixtures, downJwksUrl: downJwks.url };
afterAll(() => downJwks.close());

/** case name -> adapter -> what a client saw, for the cross-adapter comparison. */
const observed = new Map<string, Map<string, unknown>>();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((entry) => entry.trim().toLowerCase());
}

/** The client-visible behaviour, minus what the route handler (not the adapter) decides. */
function normalise(res: ObservedResponse): unknown {
  const body = parseJson(res.text) ?? res.text;
  const fromHandler = typeof body === 'object' && body !== null && 'auth' in body;
  const headers: Record<string, string | undefined> = {};
  for (const name of COMPARED_HEADERS) headers[name] = res.headers[name];
  // The route handler's own reply (framework JSON serialiser) is not the adapter's behaviour.
  if (fromHandler) delete headers['content-length'];
  else headers['content-type'] = res.headers['content-type'];
  return { status: res.status, headers, body };
}

/** A request header's value, by case-insensitive name. */
function headerOf(request: CaseRequest, name: string): string | undefined {
  return request.headers?.find(([header]) => header.toLowerCase() === name)?.[1];
}

function check(testCase: ConformanceCase, request: CaseRequest, res: ObservedResponse): void {
  const want = testCase.expect;
  const context = `${res.status} ${JSON.stringify(res.headers)} ${res.text}`;
  expect(res.status, context).toBe(want.status);
  // Never a 500 (docs/architecture.md); 503 is the only 5xx and it is deliberate.
  expect(res.status === 503 || res.status < 500, context).toBe(true);
  const body = parseJson(res.text);

  if (res.status >= 400) {
    // An error body never carries a credential or a stack trace.
    for (const secret of fixtures.secrets) expect(res.text.includes(secret), 'credential in error body').toBe(false);
    expect(res.text).not.toMatch(/\n\s+at |Error:/);
  }

  if (want.bodyRefusal) expect(res.headers['www-authenticate'], 'a body refusal carries no challenge').toBeUndefined();
  else if (res.status === 400 || res.status === 401 || res.status === 403) {
    // RFC 6750 §3, RFC 9728 §5.1: every challenge names the protected-resource metadata.
    // Bearer first, then a DPoP challenge with its algorithms while DPoP is accepted (RFC 9449 §7.1),
    // then Basic where Basic users are configured (RFC 7617 §2); the scheme the client used carries the error.
    const header = res.headers['www-authenticate'];
    expect(header, 'WWW-Authenticate').toBeDefined();
    const challenges = parseChallenges(header ?? '');
    expect(
      challenges.map((challenge) => challenge.scheme),
      'challenge schemes',
    ).toEqual(want.schemes ?? challengeSchemes(testCase.scenario, res.status));
    for (const challenge of challenges) {
      if (challenge.scheme === 'Basic') {
        expect(challenge.params, 'Basic challenge').toEqual({ realm: RESOURCE_URL, charset: 'UTF-8' });
        continue;
      }
      expect(challenge.params.resource_metadata, `${challenge.scheme} resource_metadata`).toBe(RESOURCE_METADATA_URL);
      if (challenge.scheme === 'DPoP') expect(challenge.params.algs, 'DPoP algs').toBe(DPOP_ALGS);
    }
    // At most one challenge carries the error, so a client that takes the first `error=` of the
    // field gets it: the challenge of the scheme the request used (DPoP), else the first.
    const withError = challenges.filter((challenge) => 'error' in challenge.params);
    expect(withError.length, 'challenges with error').toBeLessThan(2);
    const usedDpop = /^\s*dpop\s/i.test(headerOf(request, 'authorization') ?? '');
    const answering =
      (usedDpop ? challenges.find((challenge) => challenge.scheme === 'DPoP') : undefined) ?? challenges[0]!;
    for (const [name, value] of Object.entries(want.challenge ?? {})) {
      expect(answering.params[name], `challenge ${name}`).toBe(value ?? undefined);
    }
  }
  if (res.status >= 400 && res.status !== 404 && res.status !== 405) {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(body).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
  }
  if (want.error !== undefined) expect(body).toMatchObject({ error: want.error });
  if (want.description !== undefined) expect(body).toMatchObject({ error_description: want.description });
  if (want.auth !== undefined) {
    expect(body, context).toBeTypeOf('object');
    if (want.auth === null) expect((body as { auth: unknown }).auth).toBeNull();
    else {
      const auth = typeof want.auth === 'function' ? want.auth(fixtures) : want.auth;
      expect((body as { auth: unknown }).auth).toMatchObject(auth);
    }
  }
  if (want.json !== undefined) expect(body).toEqual(want.json);
  if (want.empty) expect(res.text).toBe('');
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    if (value === null) expect(res.headers[name], name).toBeUndefined();
    else if (value instanceof RegExp) expect(res.headers[name], name).toMatch(value);
    else expect(res.headers[name], name).toBe(value);
  }
  for (const [name, entries] of Object.entries(want.headerLists ?? {})) {
    const present = listOf(res.headers[name]);
    for (const entry of entries) expect(present, name).toContain(entry.toLowerCase());
  }
}

describe.each(HARNESSES)('$name adapter', (harness) => {
  const apps = new Map<ScenarioName, RunningApp>();
  beforeAll(async () => {
    for (const scenario of SCENARIOS)
      apps.set(scenario, await harness.start(await buildScenario(scenario, environment)));
  });
  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.close()));
  });

  it.each(CASES)('$name', async (testCase) => {
    const app = apps.get(testCase.scenario);
    if (app === undefined) throw new Error(`scenario ${testCase.scenario} did not start`);
    const send = (request: CaseRequest) => exchange(app.baseUrl, request);
    const request = await testCase.request(fixtures, send);
    const res = await send(request);
    const byAdapter = observed.get(testCase.name) ?? new Map<string, unknown>();
    observed.set(testCase.name, byAdapter);
    byAdapter.set(harness.name, normalise(res));
    check(testCase, request, res);
  });
});

describe('the three adapters answer identically', () => {
  it.each(CASES)('$name', (testCase) => {
    const byAdapter = observed.get(testCase.name);
    expect([...(byAdapter?.keys() ?? [])].sort()).toEqual(HARNESSES.map((h) => h.name).sort());
    const [first, ...rest] = HARNESSES.map((h) => ({ adapter: h.name, answer: byAdapter?.get(h.name) }));
    for (const other of rest) expect({ ...other, adapter: first?.adapter }).toEqual(first);
  });
});

it('covers every row of the semantics table (docs/architecture.md) and each requirement adapters implement (docs/requirements.md)', () => {
  const covered = new Set(CASES.flatMap((c) => c.covers));
  for (const row of [
    'table: MCP_AUTH_ENABLED=false',
    'table: enabled, not required, no credentials',
    'table: enabled, not required, invalid credentials',
    'table: auth required, no credentials',
    'table: invalid token',
    'table: valid token lacking a required scope',
    'table: malformed Authorization header',
    'table: verifier infrastructure down',
    'table: CORS preflight',
    'discovery endpoints',
    'challenges',
    'insufficient scope',
    'step-up for tools',
    'browser clients',
    'API key and JWT side by side',
    'HTTP Basic',
    'dpop',
  ]) {
    expect(covered, row).toContain(row);
  }
});

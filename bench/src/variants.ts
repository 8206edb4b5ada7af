/**
 * The catalogue of HTTP variants (docs/performance.md): per framework the bare route, mcp-warden with each
 * credential kind, the 401 path and the peer libraries, plus the full MCP `tools/call whoami`
 * through apps/server with and without authentication. Every variant names its baseline: the
 * bare route of its framework, or for the MCP rows apps/server without authentication.
 *
 * @module
 */
import type { WardenOptions } from '@mcp-warden/core';
import { FRAMEWORKS, type Framework, type GuardConfig, type JwtPeerSettings } from './servers/server-config.js';
import { AUDIENCE, type BenchAlgorithm } from './tokens.js';

/** The API key the API-key variant sends (a benchmark fixture, not a secret). */
export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

/** What the runner knows once the JWKS server is up. */
export interface VariantContext {
  issuer: string;
  jwksUri: string;
}

/** The credential each request carries. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'api-key' }
  | { kind: 'token'; alg: BenchAlgorithm; distinct: boolean }
  /** The repeated RS256 token, bound to a DPoP key, with a fresh ES256 proof on every request (RFC 9449). */
  | { kind: 'dpop' };

/** How the server under test is started. */
export type ServerTarget =
  | { kind: 'bench'; guard: (context: VariantContext) => GuardConfig }
  | { kind: 'apps-server'; auth: boolean };

/** The scenarios; a peer runs the two token scenarios only. */
export type Scenario =
  | 'bare'
  | 'api-key'
  | 'reference'
  | 'rs256-repeated'
  | 'rs256-repeated-no-cors'
  | 'rs256-distinct'
  | 'rs256-distinct-no-cors'
  | 'es256-distinct'
  | 'eddsa-distinct'
  | 'missing'
  | 'dpop-repeated'
  | 'dpop-repeated-no-cors'
  | 'mcp-no-auth'
  | 'mcp-rs256-repeated'
  | 'mcp-list-no-auth'
  | 'mcp-list-rs256-repeated';

/** One HTTP variant. */
export interface Variant {
  /** `express/rs256-repeated`, `fastify/fastify-jwt-cache-distinct`, `mcp-hono/no-auth` … */
  id: string;
  /** Variants compared with the same baseline: the framework, or `mcp-<framework>`. */
  group: string;
  framework: Framework;
  /** `bare`, `mcp-warden`, or the peer library's name. */
  library: string;
  scenario: Scenario;
  baseline: boolean;
  credential: Credential;
  expectedStatus: number;
  target: ServerTarget;
  /** A note shown beside the row. */
  note?: string;
  /** MCP rows POST a JSON-RPC body; the others GET the route. */
  mcp?: boolean;
  /** Which JSON-RPC request an MCP row sends (default `tools/call whoami`). */
  mcpRequest?: 'whoami' | 'tools-list';
}

export const SCENARIO_LABELS: Record<Scenario, string> = {
  bare: 'bare route',
  'api-key': 'API key (X-API-Key)',
  reference: 'reference middleware: reads the header, adds the CORS headers, verifies nothing',
  'rs256-repeated': 'JWT RS256, one repeated token',
  'rs256-repeated-no-cors': 'JWT RS256, one repeated token, `cors: false`',
  'rs256-distinct': 'JWT RS256, distinct tokens',
  'rs256-distinct-no-cors': 'JWT RS256, distinct tokens, `cors: false`',
  'es256-distinct': 'JWT ES256, distinct tokens',
  'eddsa-distinct': 'JWT EdDSA, distinct tokens',
  missing: 'no credentials (401)',
  'dpop-repeated': 'DPoP: one repeated RS256 token bound to a key, a fresh ES256 proof per request',
  'dpop-repeated-no-cors':
    'DPoP: one repeated RS256 token bound to a key, a fresh ES256 proof per request, `cors: false`',
  'mcp-no-auth': 'MCP tools/call whoami, auth disabled',
  'mcp-rs256-repeated': 'MCP tools/call whoami, JWT RS256 repeated',
  'mcp-list-no-auth': 'MCP tools/list (official SDK client headers), auth disabled',
  'mcp-list-rs256-repeated': 'MCP tools/list (official SDK client headers), JWT RS256 repeated',
};

/** mcp-warden's configuration for the bench servers: required auth, remote JWKS, one algorithm. */
export function wardenOptions(context: VariantContext, alg: BenchAlgorithm, jwksUri = context.jwksUri): WardenOptions {
  return {
    authRequired: true,
    resourceUrl: AUDIENCE,
    jwtIssuer: context.issuer,
    oauthJwksUri: jwksUri,
    jwtAlgorithms: [alg],
    apiKeys: [BENCH_API_KEY],
  };
}

const peerSettings = (context: VariantContext): JwtPeerSettings => ({
  jwksUri: context.jwksUri,
  issuer: context.issuer,
  audience: AUDIENCE,
  algorithm: 'RS256',
});

/** mcp-warden's guard on a benchmark server, as every mcp-warden row runs it. */
export const wardenGuard =
  (alg: BenchAlgorithm, cors?: boolean) =>
  (context: VariantContext): GuardConfig => ({
    kind: 'mcp-warden',
    options: wardenOptions(context, alg),
    ...(cors === undefined ? {} : { cors }),
  });

/** A peer library on one framework, configured as favourably as it allows. */
export interface PeerDefinition {
  name: string;
  slug: string;
  framework: Framework;
  guard: (context: VariantContext) => GuardConfig;
  note?: string;
}

const PEERS: readonly PeerDefinition[] = [
  {
    name: 'express-oauth2-jwt-bearer',
    slug: 'express-oauth2-jwt-bearer',
    framework: 'express',
    guard: (c) => ({ kind: 'express-oauth2-jwt-bearer', ...peerSettings(c) }),
  },
  {
    name: 'MCP SDK requireBearerAuth + jose',
    slug: 'sdk',
    framework: 'express',
    guard: (c) => ({ kind: 'sdk-bearer-auth', ...peerSettings(c) }),
    note: '@modelcontextprotocol/express',
  },
  {
    name: '@fastify/jwt',
    slug: 'fastify-jwt',
    framework: 'fastify',
    guard: (c) => ({ kind: 'fastify-jwt', cache: false, ...peerSettings(c) }),
    note: 'static PEM from the JWKS, no cache',
  },
  {
    name: '@fastify/jwt (cache)',
    slug: 'fastify-jwt-cache',
    framework: 'fastify',
    guard: (c) => ({ kind: 'fastify-jwt', cache: true, ...peerSettings(c) }),
    note: 'static PEM from the JWKS, `cache: true` (1,000 entries)',
  },
  {
    name: 'hono/jwk',
    slug: 'hono-jwk',
    framework: 'hono',
    guard: (c) => ({ kind: 'hono-jwk', typ: 'at+jwt', ...peerSettings(c) }),
    note: 'keys fetched once at start-up; `verification.typ: "at+jwt"`',
  },
  {
    name: 'MCP SDK requireBearerAuth + jose',
    slug: 'sdk',
    framework: 'hono',
    guard: (c) => ({ kind: 'sdk-bearer-auth', ...peerSettings(c) }),
    note: 'web-standard requireBearerAuth from @modelcontextprotocol/server',
  },
];

/** The peer libraries that run on `framework`. */
export function peersOf(framework: Framework): readonly PeerDefinition[] {
  return PEERS.filter((peer) => peer.framework === framework);
}

const RS256_REPEATED: Credential = { kind: 'token', alg: 'RS256', distinct: false };
const RS256_DISTINCT: Credential = { kind: 'token', alg: 'RS256', distinct: true };

function frameworkVariants(framework: Framework): Variant[] {
  const base = { group: framework, framework, baseline: false, expectedStatus: 200 } as const;
  const variants: Variant[] = [
    {
      ...base,
      id: `${framework}/bare`,
      library: 'bare',
      scenario: 'bare',
      baseline: true,
      credential: { kind: 'none' },
      target: { kind: 'bench', guard: () => ({ kind: 'none' }) },
    },
    {
      ...base,
      id: `${framework}/reference`,
      library: 'reference',
      scenario: 'reference',
      credential: RS256_REPEATED,
      target: { kind: 'bench', guard: () => ({ kind: 'reference' }) },
    },
    {
      ...base,
      id: `${framework}/api-key`,
      library: 'mcp-warden',
      scenario: 'api-key',
      credential: { kind: 'api-key' },
      target: { kind: 'bench', guard: wardenGuard('RS256') },
    },
    {
      ...base,
      id: `${framework}/rs256-repeated`,
      library: 'mcp-warden',
      scenario: 'rs256-repeated',
      credential: RS256_REPEATED,
      target: { kind: 'bench', guard: wardenGuard('RS256') },
    },
    {
      ...base,
      id: `${framework}/rs256-repeated-no-cors`,
      library: 'mcp-warden',
      scenario: 'rs256-repeated-no-cors',
      credential: RS256_REPEATED,
      target: { kind: 'bench', guard: wardenGuard('RS256', false) },
    },
    {
      ...base,
      id: `${framework}/rs256-distinct`,
      library: 'mcp-warden',
      scenario: 'rs256-distinct',
      credential: RS256_DISTINCT,
      target: { kind: 'bench', guard: wardenGuard('RS256') },
    },
    {
      ...base,
      id: `${framework}/rs256-distinct-no-cors`,
      library: 'mcp-warden',
      scenario: 'rs256-distinct-no-cors',
      credential: RS256_DISTINCT,
      target: { kind: 'bench', guard: wardenGuard('RS256', false) },
    },
    {
      ...base,
      id: `${framework}/es256-distinct`,
      library: 'mcp-warden',
      scenario: 'es256-distinct',
      credential: { kind: 'token', alg: 'ES256', distinct: true },
      target: { kind: 'bench', guard: wardenGuard('ES256') },
    },
    {
      ...base,
      id: `${framework}/eddsa-distinct`,
      library: 'mcp-warden',
      scenario: 'eddsa-distinct',
      credential: { kind: 'token', alg: 'EdDSA', distinct: true },
      target: { kind: 'bench', guard: wardenGuard('EdDSA') },
    },
    {
      ...base,
      id: `${framework}/dpop-repeated`,
      library: 'mcp-warden',
      scenario: 'dpop-repeated',
      credential: { kind: 'dpop' },
      target: { kind: 'bench', guard: wardenGuard('RS256') },
    },
    {
      ...base,
      id: `${framework}/dpop-repeated-no-cors`,
      library: 'mcp-warden',
      scenario: 'dpop-repeated-no-cors',
      credential: { kind: 'dpop' },
      target: { kind: 'bench', guard: wardenGuard('RS256', false) },
    },
    {
      ...base,
      id: `${framework}/missing`,
      library: 'mcp-warden',
      scenario: 'missing',
      credential: { kind: 'none' },
      expectedStatus: 401,
      target: { kind: 'bench', guard: wardenGuard('RS256') },
    },
  ];
  // Run order within a round: each target variant right next to its baseline (rounds alternate
  // direction, so it runs just after the baseline in one round and just before it in the next).
  const order: Scenario[] = [
    'bare',
    'rs256-repeated',
    'reference',
    'rs256-repeated-no-cors',
    'dpop-repeated',
    'dpop-repeated-no-cors',
    'api-key',
    'missing',
    'rs256-distinct',
    'rs256-distinct-no-cors',
    'es256-distinct',
    'eddsa-distinct',
  ];
  variants.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  for (const peer of peersOf(framework)) {
    for (const [scenario, credential] of [
      ['rs256-repeated', RS256_REPEATED],
      ['rs256-distinct', RS256_DISTINCT],
    ] as const) {
      variants.push({
        ...base,
        id: `${framework}/${peer.slug}-${scenario.slice('rs256-'.length)}`,
        library: peer.name,
        scenario,
        credential,
        target: { kind: 'bench', guard: peer.guard },
        ...(peer.note === undefined ? {} : { note: peer.note }),
      });
    }
  }
  variants.push(
    {
      ...base,
      id: `mcp-${framework}/no-auth`,
      group: `mcp-${framework}`,
      library: 'apps/server',
      scenario: 'mcp-no-auth',
      baseline: true,
      credential: { kind: 'none' },
      target: { kind: 'apps-server', auth: false },
      mcp: true,
    },
    {
      ...base,
      id: `mcp-${framework}/rs256-repeated`,
      group: `mcp-${framework}`,
      library: 'mcp-warden',
      scenario: 'mcp-rs256-repeated',
      credential: RS256_REPEATED,
      target: { kind: 'apps-server', auth: true },
      mcp: true,
    },
    // tools/list as the official SDK client sends it: the reference server's repeated-token cost
    // against authentication disabled (docs/performance.md; also counted in instructions).
    {
      ...base,
      id: `mcp-list-${framework}/no-auth`,
      group: `mcp-list-${framework}`,
      library: 'apps/server',
      scenario: 'mcp-list-no-auth',
      baseline: true,
      credential: { kind: 'none' },
      target: { kind: 'apps-server', auth: false },
      mcp: true,
      mcpRequest: 'tools-list',
    },
    {
      ...base,
      id: `mcp-list-${framework}/rs256-repeated`,
      group: `mcp-list-${framework}`,
      library: 'mcp-warden',
      scenario: 'mcp-list-rs256-repeated',
      credential: RS256_REPEATED,
      target: { kind: 'apps-server', auth: true },
      mcp: true,
      mcpRequest: 'tools-list',
    },
  );
  return variants;
}

/** Every variant, framework by framework. */
export function allVariants(frameworks: readonly Framework[] = FRAMEWORKS): Variant[] {
  return frameworks.flatMap(frameworkVariants);
}

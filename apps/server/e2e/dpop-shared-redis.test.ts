// DPoP (RFC 9449) across two reference-server instances sharing one real Redis (MCP_REDIS_URL,
// docs/scaling.md, docs/dpop.md): a nonce issued by one instance is accepted by the other, a proof
// accepted by one is refused as a replay by the other (RFC 9449 §11.1), and the tokens are opaque,
// bound through the introspection answer's `cnf.jkt` (RFC 9449 §6.2). While Redis is down, DPoP
// requests fail closed (503, one warning per instance, no crash) and Bearer tokens keep working by
// introspecting without the shared cache; with Redis back, DPoP works again.
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { DpopSession } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type InstancesSharingRedis, startInstancesSharingRedis } from './instances-sharing-redis.js';
import { freePort, type ServerProcess, seedCurl, toolsCall } from './server-process.js';

const RS_CLIENT = { clientId: 'mcp-server', clientSecret: 'mcp-server-introspection-secret' };
const MACHINE = { clientId: 'dpop-machine', clientSecret: 'dpop-machine-secret-0123456789' };

let issuer: DevIssuer;
let resourceUrl: string;
let cluster: InstancesSharingRedis;
let a: ServerProcess;
let b: ServerProcess;
let session: DpopSession;
let boundToken: string;
let nonce: string;

beforeAll(async () => {
  // The one public resource both instances serve, as behind a load balancer: every proof names it.
  resourceUrl = `http://localhost:${await freePort()}/mcp`;
  issuer = await createDevIssuer({
    accessTokenFormat: 'opaque',
    resource: [resourceUrl],
    clients: [
      { ...RS_CLIENT, grantTypes: ['client_credentials'] },
      { ...MACHINE, grantTypes: ['client_credentials'], scope: 'mcp:tools' },
    ],
  });
  cluster = await startInstancesSharingRedis({
    env: (index) => ({
      MCP_HTTP_FRAMEWORK: index === 0 ? 'express' : 'fastify',
      MCP_RESOURCE_URL: resourceUrl,
      MCP_AUTH_REQUIRED: 'true',
      MCP_JWT_ISSUER: issuer.issuer,
      MCP_OAUTH_SERVER_URL: issuer.issuer,
      MCP_OAUTH_INTROSPECTION_ENDPOINT: issuer.introspectionEndpoint,
      MCP_OAUTH_CLIENT_ID: RS_CLIENT.clientId,
      MCP_OAUTH_CLIENT_SECRET: RS_CLIENT.clientSecret,
      MCP_DPOP_NONCES: 'true',
      MCP_REDIS_KEY_PREFIX: 'e2e-dpop:',
      // A loaded test machine must not turn a slow answer into a store failure.
      MCP_REDIS_TIMEOUT: '10',
    }),
  });
  [a, b] = cluster.instances as [ServerProcess, ServerProcess];
  session = await DpopSession.create();
  // A token bound to the session's key (RFC 9449 §5): the token request carries a proof.
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${MACHINE.clientId}:${MACHINE.clientSecret}`).toString('base64')}`,
      dpop: await session.buildProof({ htm: 'POST', htu: issuer.tokenEndpoint }),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mcp:tools', resource: resourceUrl }),
  });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.token_type).toBe('DPoP');
  boundToken = body.access_token;
});

afterAll(async () => {
  await cluster?.stop();
  await issuer?.close();
});

/** `whoami` at `server` with the bound token and `proof`. */
async function call(server: ServerProcess, proof: string): Promise<Response> {
  return seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `DPoP ${boundToken}`, dpop: proof });
}

function proofWith(proofNonce: string | undefined): Promise<string> {
  return session.buildProof({ htm: 'POST', htu: resourceUrl, accessToken: boundToken, nonce: proofNonce });
}

async function caller(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(JSON.parse(text).result.content[0].text);
}

describe('DPoP across two instances sharing Redis (RFC 9449 §11.1)', () => {
  it('a nonce issued by instance A is accepted by instance B', async () => {
    const challenged = await call(a, await proofWith(undefined));
    expect(challenged.status).toBe(401);
    expect((await challenged.json()).error).toBe('use_dpop_nonce');
    nonce = challenged.headers.get('dpop-nonce') ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // B never issued this nonce: it finds it in Redis.
    expect(await caller(await call(b, await proofWith(nonce)))).toMatchObject({
      authenticated: true,
      method: 'introspection',
      dpopJkt: session.thumbprint,
    });
  });

  it('a proof accepted by instance A and replayed to instance B is refused with invalid_dpop_proof', async () => {
    const proof = await proofWith(nonce);
    expect(await caller(await call(a, proof))).toMatchObject({ authenticated: true, dpopJkt: session.thumbprint });
    // B has never seen this proof itself: only the identifier A stored in Redis can refuse it.
    const replayed = await call(b, proof);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof has already been used',
    });
    expect(replayed.headers.get('www-authenticate')).toMatch(
      /^Bearer .*, DPoP algs="[^"]+", .*error="invalid_dpop_proof"/,
    );
    // And the other way round.
    const second = await proofWith(nonce);
    await caller(await call(b, second));
    expect((await call(a, second)).status).toBe(401);
  });

  it('the opaque token is bound through introspection: presented as Bearer it is refused on both', async () => {
    for (const server of [a, b]) {
      const response = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), {
        authorization: `Bearer ${boundToken}`,
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error_description).toBe(
        'The access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
      );
    }
  });

  it('with Redis gone: DPoP fails closed with 503 (one warning each, no crash), Bearer tokens still pass; back with Redis', async () => {
    await cluster.redis.kill();
    for (const server of [a, b]) {
      const response = await call(server, await proofWith(nonce));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The DPoP proof check is temporarily unavailable; retry later',
      });
      // A second one: still 503, still the one warning.
      expect((await call(server, await proofWith(nonce))).status).toBe(503);
    }
    // An unbound opaque token: introspected without the shared cache, as docs/scaling.md says.
    const bearer = await issuer.clientCredentialsToken({ scope: 'mcp:tools', resource: resourceUrl });
    for (const server of [a, b]) {
      const response = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `Bearer ${bearer}` });
      expect(await caller(response)).toMatchObject({ authenticated: true, method: 'introspection' });
    }
    await vi.waitFor(
      () => {
        for (const server of [a, b]) {
          expect(server.output()).toContain('shared store unavailable: DPoP requests are answered 503');
          expect(server.output()).toContain('shared store unavailable: introspecting without the shared cache');
        }
      },
      { timeout: 20_000, interval: 100 },
    );
    for (const server of [a, b]) {
      const output = server.output();
      expect(output.split('shared store unavailable: DPoP requests are answered 503')).toHaveLength(2);
      for (const secret of [boundToken, bearer, RS_CLIENT.clientSecret]) expect(output).not.toContain(secret);
    }

    await cluster.redis.restart();
    await vi.waitFor(
      () => {
        for (const server of [a, b]) expect(server.output()).toContain('Redis reachable again');
      },
      { timeout: 30_000, interval: 100 },
    );
    // Redis restarted empty: the nonce A issued is gone, so B (which never issued it) asks for a
    // new one; a proof carrying that one passes on A and is a replay on B again.
    const challenged = await call(b, await proofWith(nonce));
    expect(challenged.status).toBe(401);
    expect((await challenged.json()).error).toBe('use_dpop_nonce');
    nonce = challenged.headers.get('dpop-nonce') ?? '';
    const proof = await proofWith(nonce);
    expect(await caller(await call(a, proof))).toMatchObject({ authenticated: true, dpopJkt: session.thumbprint });
    expect((await call(b, proof)).status).toBe(401);
    await vi.waitFor(
      () => {
        for (const server of [a, b]) {
          expect(server.output()).toContain('shared store available again: DPoP proofs are checked again');
        }
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});

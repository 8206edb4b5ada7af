// DPoP (RFC 9449) end to end on every framework: the official MCP client's own DPoP support (an
// OAuth provider implementing dpop(), DpopSession, withDpop) gets a token bound to its key from
// the embedded issuer, lists and calls tools with a fresh proof per request and answers the
// server's nonce challenge (RFC 9449 §9); then each attack on the binding is refused with the
// right challenge (RFC 9449 §7.1).
import { randomUUID } from 'node:crypto';
import {
  Client,
  ClientCredentialsProvider,
  type DpopKeyPair,
  DpopSession,
  generateDpopKeyPair,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, type ServerProcess, startServerProcess, TOOLS_LIST, toolsCall } from './server-process.js';

/** A machine client that binds its tokens to a DPoP key (the SDK's `OAuthClientProvider.dpop()`). */
class DpopClientCredentialsProvider extends ClientCredentialsProvider {
  constructor(
    options: ConstructorParameters<typeof ClientCredentialsProvider>[0],
    readonly session: DpopSession,
  ) {
    super(options);
  }
  dpop() {
    return this.session;
  }
}

function issuerFromBanner(output: string): string {
  const match = /OAuth issuer\s+(\S+)/.exec(output);
  if (!match) throw new Error(`no issuer in the banner:\n${output}`);
  return match[1]!;
}

function textOf(result: unknown): string {
  return (result as { content: { type: string; text: string }[] }).content[0]!.text;
}

/** One exchange the client made with the MCP endpoint, as seen on the wire. */
interface Observed {
  authorization: string | null;
  proof: string | null;
  status: number;
  wwwAuthenticate: string | null;
  nonce: string | null;
}

describe.each(FRAMEWORKS)('DPoP with the official MCP client on %s (RFC 9449)', (framework) => {
  let server: ServerProcess;
  let issuer: string;
  let mcpUrl: string;
  let prmUrl: string;
  let keyPair: DpopKeyPair;
  let session: DpopSession;
  let boundToken: string;
  let nonce: string;
  const wire: Observed[] = [];

  beforeAll(async () => {
    server = await startServerProcess({ env: { MCP_HTTP_FRAMEWORK: framework, MCP_DPOP_NONCES: 'true' } });
    issuer = issuerFromBanner(server.output());
    mcpUrl = `http://localhost:${server.port}/mcp`;
    prmUrl = `http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`;
    keyPair = await generateDpopKeyPair({ alg: 'ES256' });
    session = await DpopSession.create({ keyPair });
  });
  afterAll(() => server?.stop());

  it('advertises DPoP: the protected-resource metadata and the issuer name the algorithms, the 401 offers DPoP', async () => {
    const prm = await (await fetch(prmUrl)).json();
    expect(prm.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
    const asm = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
    expect(asm.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(TOOLS_LIST),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${prmUrl}", scope="mcp:tools", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${prmUrl}", scope="mcp:tools"`,
    );
  });

  it('the SDK client gets a bound token, answers the nonce challenge, and lists and calls tools with fresh proofs', async () => {
    const registration = await fetch(
      (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()).registration_endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'e2e DPoP machine client',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'mcp:tools mcp:admin',
        }),
      },
    );
    const { client_id, client_secret } = await registration.json();
    const provider = new DpopClientCredentialsProvider(
      { clientId: client_id, clientSecret: client_secret, scope: 'mcp:tools mcp:admin', expectedIssuer: issuer },
      session,
    );
    // Below the SDK's DPoP wrapper: what actually goes over the wire to the MCP endpoint.
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(mcpUrl)) {
        const headers = new Headers(init?.headers);
        wire.push({
          authorization: headers.get('authorization'),
          proof: headers.get('dpop'),
          status: response.status,
          wwwAuthenticate: response.headers.get('www-authenticate'),
          nonce: response.headers.get('dpop-nonce'),
        });
      }
      return response;
    };

    const client = new Client({ name: 'mcp-warden-e2e-dpop', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recording }),
    );
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['admin_info', 'echo', 'whoami']);
    const who = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(who).toMatchObject({ authenticated: true, method: 'jwt', clientId: client_id, dpopJkt: session.thumbprint });
    const info = JSON.parse(textOf(await client.callTool({ name: 'admin_info', arguments: {} })));
    expect(info).toMatchObject({ framework });
    await client.close();

    const tokens = provider.tokens();
    expect(tokens?.token_type).toBe('DPoP');
    boundToken = tokens!.access_token;
    expect(decodeJwt(boundToken).cnf).toEqual({ jkt: session.thumbprint });

    // The server asked for a nonce once (RFC 9449 §9), and the client answered it.
    const challenge = wire.find((seen) => seen.status === 401 && seen.proof !== null);
    expect(challenge?.wwwAuthenticate).toMatch(
      /^Bearer resource_metadata="[^"]+", scope="mcp:tools", DPoP algs="[^"]+", resource_metadata="[^"]+", scope="mcp:tools", error="use_dpop_nonce"/,
    );
    expect(challenge?.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    nonce = challenge!.nonce!;
    // admin_info needs mcp:admin: the 403 step-up error comes in the DPoP challenge, and the
    // client's second token is bound to the same key.
    const stepUp = wire.find((seen) => seen.status === 403);
    expect(stepUp?.wwwAuthenticate).toMatch(
      /^Bearer resource_metadata="[^"]+", scope="mcp:tools mcp:admin", DPoP algs="[^"]+", resource_metadata="[^"]+", scope="mcp:tools mcp:admin", error="insufficient_scope"/,
    );
    // Every authenticated request carried the DPoP scheme, a token bound to the session's key and
    // a proof of its own for that very token.
    const authenticated = wire.filter((seen) => seen.status < 300);
    expect(authenticated.length).toBeGreaterThanOrEqual(3);
    const jtis = new Set<string>();
    for (const seen of authenticated) {
      expect(seen.authorization).toMatch(/^DPoP /);
      const token = seen.authorization!.slice('DPoP '.length);
      expect(decodeJwt(token).cnf).toEqual({ jkt: session.thumbprint });
      const proof = decodeJwt(seen.proof!);
      expect(proof).toMatchObject({ htm: 'POST', htu: mcpUrl, nonce, ath: await accessTokenHashOf(token) });
      jtis.add(proof.jti as string);
    }
    expect(jtis.size).toBe(authenticated.length);
  });

  // ---- attacks on the binding, each refused with its challenge and a JSON body ------------------------------

  /** POSTs tools/list to the MCP endpoint with `headers`; returns status, challenge and body. */
  async function send(headers: Record<string, string>, url = mcpUrl) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(TOOLS_LIST),
    });
    const text = await res.text();
    return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', text };
  }

  /** A proof signed with the bound key (or `signer`), every claim overridable (RFC 9449 §4.2). */
  async function proof(
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    signer: CryptoKey | Uint8Array = keyPair.privateKey,
  ): Promise<string> {
    const payload: Record<string, unknown> = {
      jti: randomUUID(),
      htm: 'POST',
      htu: mcpUrl,
      iat: Math.floor(Date.now() / 1000),
      ath: await accessTokenHashOf(boundToken),
      nonce,
      ...claims,
    };
    for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: keyPair.publicJwk, ...header } as never)
      .sign(signer);
  }

  function expectRefusal(
    result: { status: number; challenge: string; text: string },
    error: string,
    description?: string,
    scheme = 'DPoP',
  ) {
    expect(result.status, result.text).toBe(401);
    // Bearer always comes first; the error is in the challenge of the scheme the request used, and
    // only there (a client reading the first `error=` of the field gets it).
    const challenges = result.challenge.split(/, (?=(?:Bearer|DPoP|Basic) )/);
    expect(challenges[0]?.startsWith('Bearer '), result.challenge).toBe(true);
    expect(challenges.find((challenge) => challenge.startsWith(`${scheme} `))).toContain(`error="${error}"`);
    expect(challenges.filter((challenge) => challenge.includes('error=')).length, result.challenge).toBe(1);
    expect(result.challenge).toContain(`resource_metadata="${prmUrl}"`);
    const body = JSON.parse(result.text);
    expect(body.error).toBe(error);
    if (description !== undefined) expect(body.error_description).toBe(description);
    expect(result.text).not.toContain(boundToken);
  }

  it('a proof the SDK session builds by hand passes, and the same proof replayed is refused', async () => {
    const fresh = await session.buildProof({ htm: 'POST', htu: mcpUrl, accessToken: boundToken, nonce });
    const headers = { authorization: `DPoP ${boundToken}`, dpop: fresh };
    expect((await send(headers)).status).toBe(200);
    expectRefusal(await send(headers), 'invalid_dpop_proof', 'The DPoP proof has already been used');
  });

  it('a stolen token presented with another key is refused', async () => {
    const thief = await DpopSession.create();
    const stolen = await thief.buildProof({ htm: 'POST', htu: mcpUrl, accessToken: boundToken, nonce });
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: stolen }),
      'invalid_dpop_proof',
      'The DPoP proof is not signed with the key the access token is bound to',
    );
  });

  it('wrong htm and wrong htu are refused', async () => {
    const wrongMethod = await session.buildProof({ htm: 'GET', htu: mcpUrl, accessToken: boundToken, nonce });
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: wrongMethod }),
      'invalid_dpop_proof',
      'The DPoP proof htm does not match the request method',
    );
    const otherPath = `http://localhost:${server.port}/other`;
    const wrongUrl = await session.buildProof({ htm: 'POST', htu: otherPath, accessToken: boundToken, nonce });
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: wrongUrl }),
      'invalid_dpop_proof',
      'The DPoP proof htu does not match the request URL',
    );
    // Another origin in htu, even with a Host header naming it: the origin is the configured one.
    const forged = await session.buildProof({
      htm: 'POST',
      htu: 'http://evil.example.com/mcp',
      accessToken: boundToken,
      nonce,
    });
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: forged, 'x-forwarded-host': 'evil.example.com' }),
      'invalid_dpop_proof',
      'The DPoP proof htu does not match the request URL',
    );
  });

  it('stale and future iat are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: await proof({ iat: now - 600 }) }),
      'invalid_dpop_proof',
      'The DPoP proof is too old (iat)',
    );
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: await proof({ iat: now + 600 }) }),
      'invalid_dpop_proof',
      'The DPoP proof is issued in the future (iat)',
    );
    // The same construction with a current iat passes: the refusals above are about iat alone.
    expect((await send({ authorization: `DPoP ${boundToken}`, dpop: await proof() })).status).toBe(200);
  });

  it('a missing or wrong ath is refused', async () => {
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: await proof({ ath: undefined }) }),
      'invalid_dpop_proof',
      'The DPoP proof has no ath (access token hash)',
    );
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: await proof({ ath: await accessTokenHashOf('other') }) }),
      'invalid_dpop_proof',
      'The DPoP proof ath does not match the access token',
    );
  });

  it('a proof carrying a private key, or signed with a symmetric alg, is refused', async () => {
    const leaked = await generateDpopKeyPair({ alg: 'ES256', extractable: true });
    const privateJwk: JWK = await exportJWK(leaked.privateKey);
    expectRefusal(
      await send({
        authorization: `DPoP ${boundToken}`,
        dpop: await proof({}, { jwk: privateJwk }, leaked.privateKey),
      }),
      'invalid_dpop_proof',
      'The DPoP proof jwk must be a public key',
    );
    const secret = new TextEncoder().encode('a-shared-secret-that-is-at-least-32-bytes-long');
    expectRefusal(
      await send({ authorization: `DPoP ${boundToken}`, dpop: await proof({}, { alg: 'HS256' }, secret) }),
      'invalid_dpop_proof',
      'The DPoP proof alg is not allowed',
    );
    const rsa = await generateKeyPair('RS256');
    expectRefusal(
      await send({
        authorization: `DPoP ${boundToken}`,
        dpop: await proof({}, { alg: 'RS256', jwk: await exportJWK(rsa.publicKey) }, rsa.privateKey),
      }),
      'invalid_dpop_proof',
      'The DPoP proof is not signed with the key the access token is bound to',
    );
  });

  it('a proof without the server nonce is challenged with use_dpop_nonce and a DPoP-Nonce', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `DPoP ${boundToken}`,
        dpop: await proof({ nonce: undefined }),
      },
      body: JSON.stringify(toolsCall('whoami')),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    expect(res.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await res.json()).error).toBe('use_dpop_nonce');
  });

  it('the bound token presented as Bearer is refused, and an unbound token presented as DPoP too', async () => {
    expectRefusal(
      await send({ authorization: `Bearer ${boundToken}` }),
      'invalid_token',
      'The access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
      'Bearer',
    );
    // A Bearer token from the same issuer, requested without a proof.
    const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
    const registered = await (
      await fetch(metadata.registration_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      })
    ).json();
    const tokenResponse = await fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${registered.client_id}:${registered.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: mcpUrl, scope: 'mcp:tools' }),
    });
    const unbound = await tokenResponse.json();
    expect(unbound.token_type).toBe('Bearer');
    const withProof = await proof({ ath: await accessTokenHashOf(unbound.access_token) });
    expectRefusal(
      await send({ authorization: `DPoP ${unbound.access_token}`, dpop: withProof }),
      'invalid_token',
      'The access token is not bound to a DPoP key',
    );
    // As Bearer it still works: DPoP is accepted, not required, by default.
    expect((await send({ authorization: `Bearer ${unbound.access_token}` })).status).toBe(200);
    expect(decodeProtectedHeader(unbound.access_token).typ).toBe('at+jwt');
  });
});

async function accessTokenHashOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Buffer.from(digest).toString('base64url');
}

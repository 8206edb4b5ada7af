// RFC 8725 §3.1: every known way to get a forged JWT accepted, each as a named test. Keys are generated per
// run; the "attacker" has their own keys and knows everything public (the PEM, the JWKS).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, importPKCS8, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';

let ours: TestKeyPair;
let attacker: TestKeyPair;
let authenticator: Authenticator;
let attackerServer: Server;
let attackerBase: string;
let attackerHits = 0;

beforeAll(async () => {
  ours = await testKeyPair('RS256', 'ours');
  attacker = await testKeyPair('RS256', 'ours'); // same kid, different key
  authenticator = await createAuthenticator({ resourceUrl: RESOURCE, jwtIssuer: ISSUER, jwtPublicKey: ours.spki });
  attackerServer = createServer((_req, res) => {
    attackerHits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [attacker.jwk] }));
  });
  await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
  attackerBase = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await authenticator.close();
  attackerServer.closeAllConnections();
  await new Promise<void>((resolve) => attackerServer.close(() => resolve()));
});

const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iss: ISSUER, aud: RESOURCE, sub: 'admin', scope: 'mcp:admin', iat: now(), exp: now() + 300 });

async function expectRefused(token: string): Promise<AuthResult> {
  const result = await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
  if (result.outcome !== 'rejected') throw new Error('a forged token was accepted');
  expect(result.status).toBe(401);
  expect(result.body.error).toBe('invalid_token');
  await expect(authenticator.verifyAccessToken(token)).rejects.toMatchObject({ status: 401 });
  return result;
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

describe('RFC 8725 §3.1: forged tokens are refused', () => {
  it('the control: our own token is accepted', async () => {
    const token = await mint(ours.privateKey, 'RS256');
    expect((await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` })).outcome).toBe(
      'authenticated',
    );
  });

  it('alg "none" (unsigned token)', async () => {
    await expectRefused(new UnsecuredJWT(claims()).encode());
  });

  it.each(['None', 'NONE', 'nOnE'])('alg %j (case variants of none)', async (alg) => {
    await expectRefused(`${encodeSegment({ alg, typ: 'JWT' })}.${encodeSegment(claims())}.`);
  });

  it('an algorithm outside the allowlist (ES256 when only RS256 is allowed)', async () => {
    const ec = await testKeyPair('ES256');
    await expectRefused(await mint(ec.privateKey, 'ES256'));
  });

  it('algorithm confusion: HS256 signed with our public key PEM as the HMAC secret', async () => {
    for (const secret of [ours.spki, ours.spki.trim(), JSON.stringify(ours.jwk)]) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(secret));
      await expectRefused(token);
    }
  });

  it('an embedded "jwk" header carrying the attacker key', async () => {
    const { kid: _kid, ...jwk } = attacker.jwk;
    await expectRefused(await mint(attacker.privateKey, 'RS256', claims(), { header: { jwk } }));
  });

  it('a "jku" header pointing at the attacker JWKS (never fetched)', async () => {
    await expectRefused(
      await mint(attacker.privateKey, 'RS256', claims(), { header: { jku: `${attackerBase}/jwks`, kid: 'ours' } }),
    );
    expect(attackerHits).toBe(0);
  });

  it('an "x5u" header pointing at the attacker (never fetched)', async () => {
    await expectRefused(
      await mint(attacker.privateKey, 'RS256', claims(), { header: { x5u: `${attackerBase}/cert.pem` } }),
    );
    expect(attackerHits).toBe(0);
  });

  it('an "x5c" header carrying the attacker certificate', async () => {
    const pem = readFileSync(new URL('../__fixtures__/x509-test-cert.pem', import.meta.url), 'utf8');
    const der = pem.replace(/-----[A-Z ]+-----|\s/g, '');
    const key = await importPKCS8(
      readFileSync(new URL('../__fixtures__/x509-test-key.pem', import.meta.url), 'utf8'),
      'RS256',
    );
    await expectRefused(await mint(key, 'RS256', claims(), { header: { x5c: [der] } }));
  });

  it('an unknown "crit" header parameter, even with a valid signature', async () => {
    // jose will not sign an unknown crit either, so the JWS is assembled and signed by hand.
    const input = `${encodeSegment({ alg: 'RS256', crit: ['exp-ext'], 'exp-ext': true })}.${encodeSegment(claims())}`;
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', ours.privateKey, new TextEncoder().encode(input));
    await expectRefused(`${input}.${base64url.encode(new Uint8Array(signature))}`);
  });

  it('a "kid" with path traversal or injection, signed with an empty HMAC secret', async () => {
    for (const kid of ['../../../../dev/null', "' OR '1'='1", 'ours']) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid }).sign(new Uint8Array(32));
      await expectRefused(token);
    }
  });

  it('the signature stripped', async () => {
    const [header, payload] = (await mint(ours.privateKey, 'RS256')).split('.');
    await expectRefused(`${header}.${payload}.`);
  });

  it('the payload swapped, signature kept', async () => {
    const [header, , signature] = (await mint(ours.privateKey, 'RS256', { scope: 'mcp:read' })).split('.');
    await expectRefused(`${header}.${encodeSegment(claims())}.${signature}`);
  });

  it('the header swapped to another algorithm, signature kept', async () => {
    const [, payload, signature] = (await mint(ours.privateKey, 'RS256')).split('.');
    await expectRefused(`${encodeSegment({ alg: 'PS256' })}.${payload}.${signature}`);
  });

  it('a non-canonical base64url signature (a second spelling of a valid token)', async () => {
    let token = '';
    // Find a token whose last signature character carries unused bits we can set.
    while (!/[AQgw]$/.test(token)) token = await mint(ours.privateKey, 'RS256', { jti: crypto.randomUUID() });
    const twin = token.slice(0, -1) + ({ A: 'B', Q: 'R', g: 'h', w: 'x' } as Record<string, string>)[token.at(-1)!];
    await expectRefused(twin);
  });

  it('an ECDSA "psychic signature" (r = s = 0, CVE-2022-21449)', async () => {
    const ec = await testKeyPair('ES256');
    const auth = await createAuthenticator({ resourceUrl: RESOURCE, jwtAlgorithms: ['ES256'], jwtPublicKey: ec.spki });
    const [header, payload] = (await mint(ec.privateKey, 'ES256')).split('.');
    const forged = `${header}.${payload}.${base64url.encode(new Uint8Array(64))}`;
    const result = await auth.authenticate({ method: 'POST', authorization: `Bearer ${forged}` });
    expect(result.outcome === 'rejected' && result.status).toBe(401);
    await auth.close();
  });

  it('a JWE (encrypted, five segments) is not a signed token', async () => {
    await expectRefused('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d');
  });

  it('a token without iss when an issuer is configured', async () => {
    await expectRefused(await mint(ours.privateKey, 'RS256', { iss: undefined }));
  });

  it('a token signed by the attacker with our kid', async () => {
    await expectRefused(await mint(attacker.privateKey, 'RS256', claims(), { header: { kid: 'ours' } }));
  });
});

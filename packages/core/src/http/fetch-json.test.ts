import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchJsonError, fetchJson } from './fetch-json.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [] }));
        return;
      case '/500':
        res.statusCode = 500;
        res.end('boom');
        return;
      case '/garbage':
        res.end('<html>not json');
        return;
      case '/huge':
        // Chunked, no content-length: the cap must be enforced while reading.
        res.write('[');
        for (let i = 0; i < 2000; i++) res.write('"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",');
        res.end('0]');
        return;
      case '/slow':
        setTimeout(() => res.end('{}'), 2000).unref();
        return;
      case '/redirect':
        res.statusCode = 302;
        res.setHeader('location', '/ok');
        res.end();
        return;
      default:
        res.statusCode = 404;
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchJsonError);
  return (error as FetchJsonError).failure;
}

describe('fetchJson', () => {
  it('parses a JSON body', async () => {
    expect(await fetchJson(`${base}/ok`)).toEqual({ keys: [] });
  });
  it('classifies an HTTP error status', async () => {
    expect(await failureOf(fetchJson(`${base}/500`))).toBe('http_status');
  });
  it('classifies a body that is not JSON', async () => {
    expect(await failureOf(fetchJson(`${base}/garbage`))).toBe('invalid_json');
  });
  it('stops reading past the size cap', async () => {
    expect(await failureOf(fetchJson(`${base}/huge`, { maxBytes: 10_000 }))).toBe('too_large');
  });
  it('gives up after the timeout', async () => {
    const started = Date.now();
    expect(await failureOf(fetchJson(`${base}/slow`, { timeoutMs: 200 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });
  it('does not follow redirects', async () => {
    expect(await failureOf(fetchJson(`${base}/redirect`))).toBe('http_status');
  });
  it('classifies an unreachable host as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failureOf(fetchJson(`http://127.0.0.1:${port}/`))).toBe('network');
  });
});

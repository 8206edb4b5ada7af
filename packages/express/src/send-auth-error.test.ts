import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from '@mcp-warden/core';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendAuthError } from './send-auth-error.js';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const app = express();
  app.get('/', (_req, res) => {
    sendAuthError(
      res,
      new AuthError({
        code: 'ERR_X',
        error: 'invalid_token',
        status: 401,
        description: 'Could not validate credentials',
      }),
    );
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('answers with the status and JSON body', async () => {
  const res = await fetch(`${baseUrl}/`);
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
});

import { AuthError } from '@mcp-warden/core';
import Fastify from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { sendAuthError } from './send-auth-error.js';

const app = Fastify();
app.get('/', (_req, reply) =>
  sendAuthError(
    reply,
    new AuthError({
      code: 'ERR_X',
      error: 'invalid_token',
      status: 401,
      description: 'Could not validate credentials',
    }),
  ),
);
afterAll(() => app.close());

it('answers with the status and JSON body', async () => {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(url);
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
});

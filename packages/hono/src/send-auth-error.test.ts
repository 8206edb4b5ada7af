import { AuthError } from '@mcp-warden/core';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { sendAuthError } from './send-auth-error.js';

it('answers with the status and JSON body', async () => {
  const app = new Hono();
  app.get('/', (c) =>
    sendAuthError(
      c,
      new AuthError({
        code: 'ERR_X',
        error: 'invalid_token',
        status: 401,
        description: 'Could not validate credentials',
      }),
    ),
  );
  const res = await app.request('/');
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'Could not validate credentials' });
});

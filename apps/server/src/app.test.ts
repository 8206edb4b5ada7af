import { expect, it } from 'vitest';
import { createApp } from './app.js';

it('answers the health check', async () => {
  const res = await createApp().request('/healthz');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

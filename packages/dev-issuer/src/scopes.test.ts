import { expect, it } from 'vitest';
import { isDevIssuerScope } from './scopes.js';

it('knows only its own scopes', () => {
  expect(isDevIssuerScope('mcp:admin')).toBe(true);
  expect(isDevIssuerScope('offline_access')).toBe(false);
});

import { describe, expect, it } from 'vitest';
import { AuthError, isAuthError } from './auth-error.js';

describe('AuthError', () => {
  it('carries the status, OAuth code and a client-safe JSON body', () => {
    const err = new AuthError({
      code: 'ERR_AUDIENCE_MISMATCH',
      error: 'invalid_token',
      status: 401,
      description: 'Invalid token audience',
      cause: new Error('internal detail'),
    });
    expect(err.status).toBe(401);
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      error: 'invalid_token',
      error_description: 'Invalid token audience',
    });
  });

  it('is recognised without instanceof (two copies of core may coexist)', () => {
    const foreign = { [Symbol.for('mcp-warden.AuthError')]: true };
    expect(isAuthError(foreign)).toBe(true);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError(null)).toBe(false);
  });
});

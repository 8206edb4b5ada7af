import { describe, expect, it } from 'vitest';
import { createRebindingGuard } from './dns-rebinding.js';

describe('DNS rebinding guard', () => {
  const guard = createRebindingGuard('127.0.0.1', 'https://mcp.example.com/mcp');

  it('lets localhost and the public resource host through', () => {
    expect(guard('localhost:8000', undefined)).toBeUndefined();
    expect(guard('127.0.0.1:8000', 'http://localhost:6274')).toBeUndefined();
    expect(guard('mcp.example.com', 'https://mcp.example.com')).toBeUndefined();
  });

  it('refuses a rebound hostname or a foreign origin', () => {
    expect(guard('attacker.example', undefined)?.status).toBe(403);
    expect(guard('localhost:8000', 'https://attacker.example')?.body.error_description).toBe('Origin not allowed');
    expect(guard(undefined, undefined)?.status).toBe(403);
  });

  it('does nothing when the server is not bound to loopback', () => {
    expect(
      createRebindingGuard('0.0.0.0', 'https://mcp.example.com/mcp')('anything', 'https://x.example'),
    ).toBeUndefined();
  });
});

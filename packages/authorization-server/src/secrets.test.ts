import { describe, expect, it } from 'vitest';
import { consentToken, deriveServerKeys, open, sameString, seal } from './secrets.js';

describe('server keys', () => {
  it('derives the same keys from the same secret, different ones per purpose', () => {
    const a = deriveServerKeys('x'.repeat(32));
    const b = deriveServerKeys('x'.repeat(32));
    expect(a.tokenEncryption.equals(b.tokenEncryption)).toBe(true);
    expect(a.cookieKeys).toEqual(b.cookieKeys);
    expect(a.tokenEncryption.equals(a.consent)).toBe(false);
    expect(deriveServerKeys(undefined).tokenEncryption.equals(deriveServerKeys(undefined).tokenEncryption)).toBe(false);
  });

  it('seals upstream tokens with AES-GCM bound to the account', () => {
    const { tokenEncryption } = deriveServerKeys('y'.repeat(32));
    const sealed = seal(tokenEncryption, '{"accessToken":"gho_secret"}', 'github|1');
    expect(sealed).not.toContain('gho_secret');
    expect(open(tokenEncryption, sealed, 'github|1')).toBe('{"accessToken":"gho_secret"}');
    expect(open(tokenEncryption, sealed, 'github|2')).toBeUndefined();
    expect(open(deriveServerKeys('z'.repeat(32)).tokenEncryption, sealed, 'github|1')).toBeUndefined();
    const tampered = Buffer.from(sealed, 'base64url');
    tampered[14] = (tampered[14] ?? 0) ^ 1;
    expect(open(tokenEncryption, tampered.toString('base64url'), 'github|1')).toBeUndefined();
  });

  it('gives each interaction its own consent token', () => {
    const { consent } = deriveServerKeys('w'.repeat(32));
    expect(consentToken(consent, 'uid-1')).not.toBe(consentToken(consent, 'uid-2'));
    expect(sameString(consentToken(consent, 'uid-1'), consentToken(consent, 'uid-1'))).toBe(true);
    expect(sameString('a', 'ab')).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControlCharacter, isBasicScheme, parseBasicAuthorization } from './basic-credentials.js';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

describe('parseBasicAuthorization (RFC 7617 §2)', () => {
  it.each([[undefined], [null], [''], ['Bearer abc'], ['Basicabc'], ['Digest username="a"']])(
    '%j is not the Basic scheme',
    (header) => {
      expect(parseBasicAuthorization(header)).toBeUndefined();
    },
  );

  it.each([
    [`Basic ${b64('alice:secret')}`, 'alice', 'secret'],
    [`basic ${b64('alice:secret')}`, 'alice', 'secret'],
    [`BASIC    ${b64('alice:secret')}`, 'alice', 'secret'],
    // The first colon ends the user id: a password may contain colons.
    [`Basic ${b64('alice:a:b:c')}`, 'alice', 'a:b:c'],
    [`Basic ${b64(':only-a-password')}`, '', 'only-a-password'],
    [`Basic ${b64('alice:')}`, 'alice', ''],
    // UTF-8 (RFC 7617 §2.1), normalised to NFC: "é" typed as e + combining acute is "é".
    [`Basic ${b64('zoë:pässwörd')}`, 'zoë', 'pässwörd'],
    [`Basic ${b64('zoe\u0308:pa\u0308sswo\u0308rd')}`, 'zoë', 'pässwörd'],
  ])('%s carries user %j and password %j', (header, user, password) => {
    expect(parseBasicAuthorization(header)).toEqual({
      kind: 'basic',
      user,
      password,
      credentials: header.split(/ +/)[1],
    });
  });

  it.each([
    ['Basic', 'missing'],
    ['Basic ', 'missing'],
    ['Basic not base64!', 'base64'],
    [`Basic ${b64('alice:secre')}`.replace(/=+$/, ''), 'base64'], // padding removed
    ['Basic YWxpY2U6c2VjcmV0=', 'base64'], // padding where none belongs
    ['Basic YQ==YQ==', 'base64'], // padding inside
    ['Basic YR==', 'base64'], // non-zero bits after the last byte (RFC 4648 §3.5)
    [`Basic ${b64('alice:secret')}, Basic ${b64('bob:other')}`, 'base64'], // two headers joined
    [`Basic ${b64('no-colon-here')}`, 'colon'],
    [`Basic ${b64(new Uint8Array([0x61, 0x3a, 0xff, 0xfe]))}`, 'utf8'],
    [`Basic ${b64(new Uint8Array([0x61, 0x3a, 0xc3]))}`, 'utf8'], // truncated sequence
    [`Basic ${b64('alice:line\nbreak')}`, 'control'],
    [`Basic ${b64('al\u0000ice:secret')}`, 'control'],
    [`Basic ${b64('alice:del\u007f')}`, 'control'],
  ])('%j is malformed (%s)', (header, reason) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'malformed', reason });
  });

  it('isBasicScheme recognises the scheme in any case, credentials or not', () => {
    expect(isBasicScheme('Basic abc')).toBe(true);
    expect(isBasicScheme(' bAsIc ')).toBe(true);
    expect(isBasicScheme('Bearer abc')).toBe(false);
    expect(isBasicScheme(undefined)).toBe(false);
  });

  it('any user id without a colon and any password, without control characters, round-trip (property)', () => {
    const text = (colon: boolean) =>
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => {
        const cleaned = [...s]
          .filter((char) => !hasControlCharacter(char))
          .join('')
          .normalize('NFC');
        return colon ? cleaned : cleaned.replaceAll(':', '');
      });
    fc.assert(
      fc.property(text(false), text(true), (user, password) => {
        const credentials = b64(`${user}:${password}`);
        expect(parseBasicAuthorization(`Basic ${credentials}`)).toEqual({ kind: 'basic', user, password, credentials });
      }),
    );
  });

  it('never throws, whatever follows the scheme (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (rest) => {
        const result = parseBasicAuthorization(`Basic ${rest}`);
        expect(['basic', 'malformed']).toContain(result?.kind);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './bearer-credentials.js';

describe('parseAuthorization (RFC 6750 §2.1)', () => {
  it.each([[undefined], [null], [''], ['   ']])('%j is no credentials', (header) => {
    expect(parseAuthorization(header)).toEqual({ kind: 'none' });
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer    abc', 'abc'],
    ['Bearer a.b.c', 'a.b.c'],
    ['Bearer a-b_c~d+e/f==', 'a-b_c~d+e/f=='],
  ])('%j carries the token', (header, token) => {
    expect(parseAuthorization(header)).toEqual({ kind: 'bearer', token });
  });

  it.each([
    ['Basic abc', 'scheme'],
    ['Bearerabc', 'scheme'],
    ['Bearer', 'token'],
    ['Bearer a b', 'token'],
    ['Bearer a,Bearer b', 'token'],
    ['Bearer =abc', 'token'],
    ['Bearer ab=c', 'token'],
    ['Bearer tök', 'token'],
  ])('%j is malformed (%s)', (header, reason) => {
    expect(parseAuthorization(header)).toEqual({ kind: 'malformed', reason });
  });
});

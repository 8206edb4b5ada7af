// The body rules every adapter applies: one size limit, UTF-8 JSON without a content coding, and a
// bound on nesting found without recursing. The adapters' own tests and the conformance suite send
// these over real HTTP; here the edge cases of each rule.
import { describe, expect, it } from 'vitest';
import {
  BODY_CHARSET_UNSUPPORTED,
  BODY_ENCODING_UNSUPPORTED,
  BODY_TOO_LARGE,
  bodyHeadersProblem,
  JSON_TOO_DEEP,
  jsonNestingExceeds,
  MAX_JSON_NESTING,
  readBodyWithinLimit,
  readRequestBody,
} from './request-body.js';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunks(count: number, size: number, onPull: () => void): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    onPull();
    yield new Uint8Array(size);
  }
}

describe('bodyHeadersProblem', () => {
  it('refuses a declared length over the limit, and a length that is not a number', () => {
    expect(bodyHeadersProblem('1025', undefined, 'application/json', 1024)).toBe(BODY_TOO_LARGE);
    expect(bodyHeadersProblem('1024', undefined, 'application/json', 1024)).toBeUndefined();
    expect(bodyHeadersProblem('1e9', undefined, undefined, 1024)).toBe(BODY_TOO_LARGE);
  });

  it('refuses any content coding but identity (415), and JSON in a charset other than UTF-8', () => {
    for (const coding of ['gzip', 'deflate', 'br', 'foo', 'gzip, identity']) {
      expect(bodyHeadersProblem(undefined, coding, 'application/json', 1024)).toBe(BODY_ENCODING_UNSUPPORTED);
    }
    expect(bodyHeadersProblem(undefined, 'identity', 'application/json', 1024)).toBeUndefined();
    expect(bodyHeadersProblem(undefined, undefined, 'application/json; charset=koi8-r', 1024)).toBe(
      BODY_CHARSET_UNSUPPORTED,
    );
    expect(bodyHeadersProblem(undefined, undefined, 'application/json; charset="UTF-8"', 1024)).toBeUndefined();
    expect(bodyHeadersProblem(undefined, undefined, 'text/plain; charset=koi8-r', 1024)).toBeUndefined();
  });

  it('answers 413 with Connection: close, so the rest of a body is never read', () => {
    expect(BODY_TOO_LARGE).toMatchObject({ status: 413, headers: { Connection: 'close' } });
    expect(BODY_TOO_LARGE.body).toEqual({ error: 'invalid_request', error_description: 'Request body too large' });
  });
});

describe('readBodyWithinLimit', () => {
  it('stops pulling as soon as the body passes the limit', async () => {
    let pulled = 0;
    expect(
      await readBodyWithinLimit(
        chunks(1000, 1024, () => pulled++),
        4096,
      ),
    ).toBeUndefined();
    expect(pulled).toBe(5);
  });

  it('returns the whole body when it fits, from an async iterable or a web stream', async () => {
    expect(
      (
        await readBodyWithinLimit(
          chunks(4, 1024, () => {}),
          4096,
        )
      )?.byteLength,
    ).toBe(4096);
    const stream = new Response('{"a":1}').body!;
    expect(new TextDecoder().decode(await readBodyWithinLimit(stream, 100))).toBe('{"a":1}');
  });
});

describe('jsonNestingExceeds', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestingExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonNestingExceeds('[[[1]]]', 3)).toBe(false);
    expect(jsonNestingExceeds('{"a":"[[[[[[","b":"\\"[[[["}', 1)).toBe(false);
    expect(jsonNestingExceeds(bytes('{"é":[{"ü":[]}]}'), 3)).toBe(true);
  });

  it('handles 1,000,000 levels without recursing', () => {
    expect(jsonNestingExceeds('['.repeat(1_000_000))).toBe(true);
    expect(jsonNestingExceeds(`${'['.repeat(MAX_JSON_NESTING)}${']'.repeat(MAX_JSON_NESTING)}`)).toBe(false);
  });
});

describe('readRequestBody', () => {
  it('refuses deep JSON, parses JSON when asked, and leaves other media types unparsed', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(await readRequestBody(new Response(deep).body!, 'application/json', 1 << 20, true)).toBe(JSON_TOO_DEEP);
    expect(await readRequestBody(new Response(deep).body!, 'text/plain', 1 << 20, true)).toMatchObject({
      json: undefined,
    });
    expect(await readRequestBody(new Response('{"a":[1]}').body!, 'application/json', 100, true)).toMatchObject({
      json: { a: [1] },
    });
    expect(await readRequestBody(new Response('{"a":').body!, 'application/json', 100, true)).toMatchObject({
      json: undefined,
    });
  });
});

/**
 * The zod fields of the configuration: each accepts the environment's string form and the typed
 * programmatic form, so `loadConfig(env)` and `defineConfig(options)` read a value the same way.
 * Exported (as {@link configFields}) so an application extends the schema with settings of its
 * own that follow the same rules: the reference server reads `PORT` and `HOST` with them.
 *
 * @module
 */

import { z } from 'zod';
import { isSymmetricAlgorithm } from '../jwt/jwt-algorithms.js';
import {
  isUnset,
  parseAlgorithmNames,
  parseList,
  parseUrl,
  serializedOrigin,
  URL_CREDENTIALS_PROBLEM,
} from './parse-values.js';

/** The value of `MCP_OAUTH_INTROSPECTION_ENDPOINT` that asks for discovery (RFC 8414 §2). */
export const DISCOVER_INTROSPECTION_ENDPOINT = 'discover';

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);
export const COMMA_LIST = /\s*,\s*/;
export const SCOPE_LIST = /[\s,]+/;

function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return undefined;
}

const BOOLEAN_MESSAGE = 'must be a boolean: true/false, 1/0 or yes/no';

export function booleanField(defaultValue: boolean) {
  return z.unknown().transform((value, ctx): boolean => {
    if (isUnset(value)) return defaultValue;
    const parsed = parseBoolean(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: BOOLEAN_MESSAGE });
      return z.NEVER;
    }
    return parsed;
  });
}

/** Free text, trimmed. `exact` keeps surrounding whitespace (secrets are used byte for byte). */
export function textField(exact = false) {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (isUnset(value)) return undefined;
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'must be a string' });
      return z.NEVER;
    }
    return exact ? value : value.trim();
  });
}

/** An absolute http(s) URL, kept exactly as written ({@link parseUrl}). */
export function urlField() {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (isUnset(value)) return undefined;
    const url = parseUrl(value, (message) => ctx.addIssue({ code: 'custom', message }));
    return url ?? z.NEVER;
  });
}

/** {@link urlField}, or the keyword `discover` (any case). */
export function urlOrDiscoverField() {
  const url = urlField();
  return z.unknown().transform((value, ctx): string | undefined => {
    if (typeof value === 'string' && value.trim().toLowerCase() === DISCOVER_INTROSPECTION_ENDPOINT) {
      return DISCOVER_INTROSPECTION_ENDPOINT;
    }
    const result = url.safeParse(value);
    if (result.success) return result.data;
    const message = result.error.issues[0]?.message ?? 'is not a URL';
    ctx.addIssue({
      code: 'custom',
      message: message === URL_CREDENTIALS_PROBLEM ? message : `${message}, or "discover"`,
    });
    return z.NEVER;
  });
}

export function listField(separator: RegExp, defaultValue: readonly string[] = []) {
  return z.unknown().transform((value, ctx): string[] => {
    if (isUnset(value)) return [...defaultValue];
    const items = parseList(value, separator, (message) => ctx.addIssue({ code: 'custom', message }));
    return items ?? z.NEVER;
  });
}

/** API keys are compared byte for byte, so only the separator's surrounding spaces are trimmed. */
export function apiKeyListField() {
  return listField(COMMA_LIST);
}

export function algorithmListField() {
  return listField(COMMA_LIST, ['RS256']).transform((names, ctx): string[] => {
    const algorithms = parseAlgorithmNames(
      names,
      (message) => ctx.addIssue({ code: 'custom', message }),
      'HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA',
    );
    if (names.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one algorithm, e.g. RS256' });
    }
    return algorithms;
  });
}

/**
 * The algorithms a DPoP proof may be signed with (RFC 9449 §4.2, §5.1): asymmetric only, since the
 * proof is signed with a key the client alone holds. `none` and HS* are refused.
 */
export function dpopAlgorithmListField() {
  return listField(COMMA_LIST, [...DEFAULT_DPOP_ALGORITHMS]).transform((names, ctx): string[] => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    const algorithms = parseAlgorithmNames(
      names,
      problem,
      'RS256/384/512, PS256/384/512, ES256/384/512, EdDSA or Ed25519',
    ).filter((alg) => {
      if (!isSymmetricAlgorithm(alg)) return true;
      problem(
        `"${alg}" is symmetric: a DPoP proof is signed with a private key only the client holds, so only asymmetric algorithms apply (RFC 9449 §4.2)`,
      );
      return false;
    });
    if (names.length === 0) problem('must name at least one algorithm, e.g. ES256');
    return algorithms;
  });
}

/** The default of `MCP_DPOP_ALGORITHMS`: what common DPoP clients sign with (the MCP SDK client's default is ES256). */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = Object.freeze(['ES256', 'EdDSA', 'RS256', 'PS256']);

export function numberField(defaultValue: number, min: number, max: number, integer: boolean) {
  return z.unknown().transform((value, ctx): number => {
    if (isUnset(value)) return defaultValue;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}`,
      });
      return z.NEVER;
    }
    return parsed;
  });
}

export function enumField<T extends string>(values: readonly T[], defaultValue: T) {
  return z.unknown().transform((value, ctx): T => {
    if (isUnset(value)) return defaultValue;
    const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    const match = values.find((candidate) => candidate === word);
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of: ${values.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });
}

/** {@link enumField} without a default: unset stays `undefined`. */
export function optionalEnumField<T extends string>(values: readonly T[]) {
  const field = enumField<T>(values, values[0]!);
  return z.unknown().transform((value, ctx): T | undefined => {
    if (isUnset(value)) return undefined;
    const result = field.safeParse(value);
    if (result.success) return result.data;
    ctx.addIssue({ code: 'custom', message: result.error.issues[0]?.message ?? 'is not a known value' });
    return z.NEVER;
  });
}

/** `tool=scope1 scope2;other=scope3`, or a record of tool name to scopes. */
export function toolScopesField() {
  return z.unknown().transform((value, ctx): Record<string, string[]> => {
    if (isUnset(value)) return {};
    const entries: [string, unknown][] = [];
    if (typeof value === 'string') {
      for (const [index, entry] of value.split(';').entries()) {
        if (entry.trim() === '') continue;
        const equals = entry.indexOf('=');
        if (equals <= 0 || entry.slice(0, equals).trim() === '') {
          ctx.addIssue({
            code: 'custom',
            message: `entry ${index + 1} must look like "tool=scope1 scope2" (entries separated by ";")`,
          });
          continue;
        }
        entries.push([entry.slice(0, equals).trim(), entry.slice(equals + 1)]);
      }
    } else if (typeof value === 'object' && !Array.isArray(value) && value !== null) {
      entries.push(...Object.entries(value));
    } else {
      ctx.addIssue({
        code: 'custom',
        message: 'must be "tool=scope1 scope2;other=scope3" or a record of tool → scopes',
      });
      return z.NEVER;
    }
    // A null-prototype record: tool names come from clients' tools/call and must never hit
    // Object.prototype members such as "constructor".
    const result: Record<string, string[]> = Object.create(null);
    for (const [tool, rawScopes] of entries) {
      const scopes =
        typeof rawScopes === 'string'
          ? rawScopes.split(SCOPE_LIST)
          : Array.isArray(rawScopes) && rawScopes.every((s) => typeof s === 'string')
            ? rawScopes
            : undefined;
      const cleaned = scopes?.map((s) => s.trim()).filter((s) => s !== '');
      if (cleaned === undefined || cleaned.length === 0) {
        ctx.addIssue({ code: 'custom', message: `tool "${tool.slice(0, 60)}" must list at least one scope` });
        continue;
      }
      result[tool] = [...new Set(cleaned)];
    }
    return result;
  });
}

/** A boolean field: unset means `undefined` ("automatic"). */
/**
 * `*`, or a list of origins as browsers send them in `Origin` (RFC 6454 §6.2: scheme, host and
 * port only). http(s) entries are normalised the way a browser serialises them (lower case, no
 * default port), so `https://App.example.com:443` matches what Chromium sends.
 */
export function corsOriginsField() {
  return listField(COMMA_LIST, ['*']).transform((entries, ctx): string[] => {
    if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return ['*'];
    if (entries.includes('*')) {
      ctx.addIssue({ code: 'custom', message: '"*" (any origin) cannot be combined with origins' });
    }
    const origins: string[] = [];
    for (const entry of entries) {
      if (entry === '*') continue;
      const origin = serializedOrigin(entry);
      if (origin === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry.slice(0, 80)}" is not an origin; expected scheme://host[:port] without a path, e.g. https://app.example.com`,
        });
        continue;
      }
      if (!origins.includes(origin)) origins.push(origin);
    }
    return origins;
  });
}

export function optionalBooleanField() {
  return z.unknown().transform((value, ctx): boolean | undefined => {
    if (isUnset(value)) return undefined;
    const parsed = parseBoolean(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `${BOOLEAN_MESSAGE}, or unset for automatic` });
      return z.NEVER;
    }
    return parsed;
  });
}

/**
 * The field builders of core's schema, for an application's own settings.
 *
 * @example
 * ```ts
 * const port = configFields.number(8000, 0, 65_535, true);
 * port.parse('3000'); // 3000
 * configFields.boolean(false).parse('yes'); // true
 * ```
 */
export const configFields = Object.freeze({
  boolean: booleanField,
  optionalBoolean: optionalBooleanField,
  text: textField,
  url: urlField,
  list: listField,
  number: numberField,
  oneOf: enumField,
  optionalOneOf: optionalEnumField,
});

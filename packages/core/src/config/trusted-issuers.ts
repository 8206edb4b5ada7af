/**
 * Several trusted issuers (`MCP_TRUSTED_ISSUERS` / `trustedIssuers`): each with its own keys (JWKS
 * URI, inline or file public key, or discovery from the issuer), audience, algorithm allowlist and
 * provider preset. This module parses the entries' shape; the defaults and cross-field rules
 * (https, key material, presets, duplicates) are applied by `resolve-issuers.ts`.
 *
 * The environment form is either a comma-separated list of issuer URLs (every other setting at its
 * default) or a JSON array of objects with the same fields as the programmatic option:
 *
 * ```sh
 * MCP_TRUSTED_ISSUERS=https://tenant.auth0.com/,https://keycloak.example.com/realms/mcp
 * MCP_TRUSTED_ISSUERS='[{"issuer":"https://tenant.auth0.com/","provider":"auth0"},
 *   {"issuer":"https://idp.example.com","jwksUri":"https://idp.example.com/keys","algorithms":["ES256"]}]'
 * ```
 *
 * @module
 */

import { z } from 'zod';
import { canonicalJwtAlgorithm, isSymmetricAlgorithm } from '../jwt/jwt-algorithms.js';
import { PROVIDER_NAMES, type ProviderName } from '../presets/provider-presets.js';
import { isUnset, type Problem, parseList, parseUrl } from './parse-values.js';

/** One trusted issuer, defaults applied (the form {@link WardenConfig} holds). */
export interface TrustedIssuer {
  /** The exact `iss` tokens carry (normalized by the preset, e.g. Auth0's trailing slash). */
  issuer: string;
  /** Provider preset: claim mapping and issuer quirks. */
  provider?: ProviderName;
  /** Accepted audiences (default: `MCP_JWT_AUDIENCE`, itself defaulting to the resource URL; RFC 8707 §2). */
  audience: string[];
  /** Algorithm allowlist, asymmetric only (default: the asymmetric ones of `MCP_JWT_ALGORITHM`, else RS256; RFC 8725 §3.1). */
  algorithms: string[];
  /** Where this issuer's keys are; without it and without a public key, discovered from `issuer` (docs/requirements.md, "Signing keys"). */
  jwksUri?: string;
  /** An inline public key: SPKI PEM, X.509 certificate PEM, JWK or JWKS. */
  publicKey?: string;
  /** A file holding one of the `publicKey` formats. */
  publicKeyFile?: string;
}

/**
 * One trusted issuer as code or `MCP_TRUSTED_ISSUERS` JSON writes it; a plain string is an issuer
 * URL with every default.
 */
export interface TrustedIssuerOptions {
  issuer: string | URL;
  provider?: ProviderName;
  audience?: string | readonly string[];
  algorithms?: string | readonly string[];
  jwksUri?: string | URL;
  publicKey?: string;
  publicKeyFile?: string;
}

const FIELDS = new Set(['issuer', 'provider', 'audience', 'algorithms', 'jwksUri', 'publicKey', 'publicKeyFile']);
/** No deployment trusts this many issuers; the cap keeps a typo'd generator from building thousands of verifiers. */
const MAX_TRUSTED_ISSUERS = 50;
const FORMAT_HINT =
  'expected a comma-separated list of issuer URLs or a JSON array of objects such as [{"issuer":"https://auth.example.com/","jwksUri":"https://auth.example.com/jwks.json"}]';

/** `problem`, with the field's name in front of each message. */
function inField(field: string, problem: Problem): Problem {
  return (message) => problem(`${field} ${message}`);
}

function parseFieldList(value: unknown, field: string, problem: Problem): string[] {
  if (isUnset(value)) return [];
  return parseList(value, ',', inField(field, problem)) ?? [];
}

function parseAlgorithms(value: unknown, problem: Problem): string[] {
  const algorithms: string[] = [];
  for (const name of parseFieldList(value, 'algorithms', problem)) {
    const alg = canonicalJwtAlgorithm(name);
    if (name.toLowerCase() === 'none' || alg === undefined) {
      problem(
        `algorithms: "${name.slice(0, 20)}" is not a supported algorithm; use RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA`,
      );
    } else if (isSymmetricAlgorithm(alg)) {
      // A shared secret per issuer would put several HMAC keys in the environment and blur which
      // issuer minted a token; symmetric tokens stay with MCP_JWT_SECRET and MCP_JWT_ISSUER
      // (RFC 8725 §3.1: each key is used only with the algorithm meant for it).
      problem(
        `algorithms: ${alg} needs a shared secret, which trusted issuers do not take; use MCP_JWT_SECRET with MCP_JWT_ISSUER for that issuer`,
      );
    } else if (!algorithms.includes(alg)) {
      algorithms.push(alg);
    }
  }
  return algorithms;
}

function parseText(value: unknown, field: string, problem: Problem): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') {
    problem(`${field} must be a string`);
    return undefined;
  }
  return value.trim();
}

function parseEntry(raw: unknown, problem: Problem): TrustedIssuer | undefined {
  if (typeof raw === 'string' || raw instanceof URL) {
    const issuer = parseUrl(raw, inField('issuer', problem));
    return issuer === undefined ? undefined : { issuer, audience: [], algorithms: [] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('must be an issuer URL or an object with an "issuer" field');
    return undefined;
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key)) problem(`"${key.slice(0, 40)}" is not a known field (${[...FIELDS].join(', ')})`);
  }
  let issuer: string | undefined;
  if (isUnset(record.issuer)) problem('issuer is required');
  else issuer = parseUrl(record.issuer, inField('issuer', problem));
  let provider: ProviderName | undefined;
  if (!isUnset(record.provider)) {
    const word = typeof record.provider === 'string' ? record.provider.trim().toLowerCase() : undefined;
    provider = PROVIDER_NAMES.find((name) => name === word);
    if (provider === undefined) problem(`provider must be one of: ${PROVIDER_NAMES.join(', ')}`);
  }
  const entry: TrustedIssuer = {
    issuer: issuer ?? '',
    audience: parseFieldList(record.audience, 'audience', problem),
    algorithms: parseAlgorithms(record.algorithms, problem),
  };
  if (provider !== undefined) entry.provider = provider;
  const jwksUri = isUnset(record.jwksUri) ? undefined : parseUrl(record.jwksUri, inField('jwksUri', problem));
  if (jwksUri !== undefined) entry.jwksUri = jwksUri;
  const publicKey = parseText(record.publicKey, 'publicKey', problem);
  if (publicKey !== undefined) entry.publicKey = publicKey;
  const publicKeyFile = parseText(record.publicKeyFile, 'publicKeyFile', problem);
  if (publicKeyFile !== undefined) entry.publicKeyFile = publicKeyFile;
  return issuer === undefined ? undefined : entry;
}

/** The outcome of {@link parseTrustedIssuers}. */
export interface ParsedTrustedIssuers {
  /** The entries that parsed without a problem. */
  entries: TrustedIssuer[];
  /** The 1-based position of each entry in the configured list, for messages. */
  positions: number[];
  /** Every problem, each naming its entry. */
  problems: string[];
}

/**
 * Parses the `trustedIssuers` value: a comma list of URLs or a JSON array (env), or an array of
 * {@link TrustedIssuerOptions} / URL strings (code). Entries with problems are left out of
 * `entries`, so the cross-field rules can still check the others and every problem is reported in
 * one pass.
 */
export function parseTrustedIssuers(value: unknown): ParsedTrustedIssuers {
  const parsed: ParsedTrustedIssuers = { entries: [], positions: [], problems: [] };
  if (isUnset(value)) return parsed;
  let items: unknown;
  if (Array.isArray(value)) {
    items = value;
  } else if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      items = JSON.parse(value);
    } catch {
      parsed.problems.push(`is not valid JSON; ${FORMAT_HINT}`);
      return parsed;
    }
  } else if (typeof value === 'string') {
    items = value.split(',').filter((item) => item.trim() !== '');
  }
  if (!Array.isArray(items)) {
    parsed.problems.push(FORMAT_HINT);
    return parsed;
  }
  if (items.length > MAX_TRUSTED_ISSUERS) {
    parsed.problems.push(`lists ${items.length} issuers; at most ${MAX_TRUSTED_ISSUERS} are supported`);
    return parsed;
  }
  items.forEach((raw: unknown, index) => {
    const named = typeof raw === 'string' ? raw : (raw as { issuer?: unknown } | null)?.issuer;
    const label = `entry ${index + 1}${typeof named === 'string' ? ` (${named.trim().slice(0, 100)})` : ''}`;
    let clean = true;
    const entry = parseEntry(raw, (message) => {
      clean = false;
      parsed.problems.push(`${label}: ${message}`);
    });
    if (entry !== undefined && clean) {
      parsed.entries.push(entry);
      parsed.positions.push(index + 1);
    }
  });
  return parsed;
}

/** The zod field of `trustedIssuers`: {@link parseTrustedIssuers}, failing on any problem. */
export function trustedIssuersField() {
  return z.unknown().transform((value, ctx): TrustedIssuer[] => {
    const { entries, problems } = parseTrustedIssuers(value);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : entries;
  });
}

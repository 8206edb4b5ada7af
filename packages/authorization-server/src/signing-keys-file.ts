/**
 * Signing keys kept in a file (`MCP_AUTH_SERVER_KEYS_FILE`): a JSON Web Key Set of private keys,
 * the one that signs first. Generated and written (mode 0600) on first start when the file does not
 * exist, so tokens stay valid across restarts and every instance given the file signs and
 * publishes the same keys. A rotation puts a new key first and keeps the previous ones published,
 * so tokens they signed keep verifying: nobody is logged out.
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateSigningKey } from '@mcp-warden/dev-issuer';
import type { JWK } from 'oidc-provider';

/** A private signing key as oidc-provider takes it. */
export type PrivateSigningKey = JWK & { kid: string };

/** Keys published after a rotation: the new one and up to four earlier ones. */
export const MAX_PUBLISHED_KEYS = 5;

/** Thrown when the keys file exists but cannot be used; the message names the file, never a key. */
export class SigningKeysFileError extends Error {
  override name = 'SigningKeysFileError';
}

function isPrivateKey(value: unknown): value is PrivateSigningKey {
  const key = value as Record<string, unknown> | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof key.kid === 'string' &&
    typeof key.kty === 'string' &&
    typeof key.d === 'string'
  );
}

/** Reads the keys in `path`, or generates one and writes the file when it does not exist. */
export async function loadOrCreateSigningKeys(path: string): Promise<{ keys: PrivateSigningKey[]; created: boolean }> {
  if (!existsSync(path)) {
    const keys = [await generateSigningKey()];
    writeSigningKeys(path, keys);
    return { keys, created: true };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? 'is not JSON'
        : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new SigningKeysFileError(`the signing keys file ${path} ${reason}`);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPrivateKey)) {
    throw new SigningKeysFileError(
      `the signing keys file ${path} must be a JSON Web Key Set of private keys ({"keys":[{"kty":…,"kid":…,"d":…}]})`,
    );
  }
  return { keys: keys.slice(0, MAX_PUBLISHED_KEYS), created: false };
}

/** The keys in `path` when it holds a valid private key set; otherwise none (never throws). */
export function readSigningKeysIfValid(path: string): PrivateSigningKey[] {
  try {
    const keys = (JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown })?.keys;
    return Array.isArray(keys) && keys.every(isPrivateKey) ? keys.slice(0, MAX_PUBLISHED_KEYS) : [];
  } catch {
    return [];
  }
}

/** Writes the key set atomically (a temporary file renamed over it), readable by the owner only. */
export function writeSigningKeys(path: string, keys: PrivateSigningKey[]): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The members of a JWK that are public (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2) plus its identity. */
const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y'] as const;

/**
 * The public half of a signing key: an allowlist of members, so no private member (`d`, `p`,
 * `q`, `dp`, `dq`, `qi`, `oth`, `k`) can slip through.
 */
export function publicPart(key: PrivateSigningKey): JWK {
  const out: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (key[member] !== undefined) out[member] = key[member];
  return out as JWK;
}

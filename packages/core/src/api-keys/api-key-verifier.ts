/**
 * API-key verification (docs/security.md). Every configured key is reduced at start-up to its SHA-256 digest
 * (an `sha256:<hex>` entry already is one, so the plain key never has to sit in the environment).
 * A presented key is hashed once and compared with every digest in constant time, without an
 * early exit, so neither the position of a match nor the length of a key leaks through timing.
 *
 * @module
 */

const SHA256_PREFIX = 'sha256:';
const encoder = new TextEncoder();

/** Verifies presented API keys against the configured list. */
export interface ApiKeyVerifier {
  /** The 1-based position of the matching configured key, or 0 when none matches. */
  match(presented: string): Promise<number>;
  /** How many keys are configured. */
  readonly size: number;
}

/** The part of `node:crypto` used here: a one-shot synchronous hash. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(data: string, encoding: 'utf8'): { digest(): Uint8Array } };
}

/**
 * Node's own SHA-256 where the runtime has it (Node ≥ 20.16, Bun and Deno expose
 * `process.getBuiltinModule`): a synchronous digest costs about a microsecond, while WebCrypto's
 * `digest` is a thread-pool round trip that cost 40–60 µs of CPU per request (docs/performance.md). Other
 * runtimes (Workers without Node compatibility) keep WebCrypto. Reached through
 * `getBuiltinModule` rather than an import so the core stays loadable where `node:crypto` is not.
 */
const nodeHashing = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;

/** SHA-256 of the UTF-8 bytes of `text`; also used by HTTP Basic verification (basic-auth/). */
export function sha256(text: string): Uint8Array | Promise<Uint8Array> {
  if (nodeHashing !== undefined) return nodeHashing.createHash('sha256').update(text, 'utf8').digest();
  return crypto.subtle.digest('SHA-256', encoder.encode(text)).then((digest) => new Uint8Array(digest));
}

export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Constant-time equality of two 32-byte digests. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
}

/**
 * Builds the verifier from configured entries (plain keys or `sha256:<64 hex>` digests).
 *
 * @example
 * ```ts
 * const keys = await createApiKeyVerifier(['dev-key-123', 'sha256:9f86d0…']);
 * await keys.match('dev-key-123'); // 1
 * ```
 */
export async function createApiKeyVerifier(entries: readonly string[]): Promise<ApiKeyVerifier> {
  const digests = await Promise.all(
    entries.map((entry) =>
      entry.toLowerCase().startsWith(SHA256_PREFIX)
        ? hexToBytes(entry.slice(SHA256_PREFIX.length).toLowerCase())
        : sha256(entry),
    ),
  );
  return {
    size: digests.length,
    async match(presented: string): Promise<number> {
      if (digests.length === 0) return 0;
      const digest = await sha256(presented);
      let found = 0;
      for (let i = 0; i < digests.length; i++) {
        // Branch-free selection keeps the loop's work identical whether or not (and where) it matched.
        const equal = digestsEqual(digest, digests[i]!) ? 1 : 0;
        found |= (i + 1) * equal * (found === 0 ? 1 : 0);
      }
      return found;
    },
  };
}

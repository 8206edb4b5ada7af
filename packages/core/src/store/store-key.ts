/**
 * Keys of the shared store for state about a credential: a namespace and the credential's SHA-256
 * digest, never the credential itself, so whoever can read the store (a Redis operator, a backup)
 * learns nothing they could present.
 *
 * @module
 */

const encoder = new TextEncoder();

/** The part of `node:crypto` used here: a one-shot synchronous hash. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): {
    update(data: string, encoding: 'utf8'): { digest(encoding: 'base64url'): string };
  };
}

/**
 * Node's synchronous SHA-256 where the runtime has it (`process.getBuiltinModule`, Node ≥ 20.16,
 * Bun, Deno); WebCrypto elsewhere, so the core stays loadable where `node:crypto` is not
 * (docs/architecture.md).
 */
const nodeHashing = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * `<namespace>:<base64url(SHA-256(credential))>`.
 *
 * @example
 * ```ts
 * await credentialStoreKey('introspection', token); // 'introspection:3q2-7w…'
 * ```
 */
export async function credentialStoreKey(namespace: string, credential: string): Promise<string> {
  if (nodeHashing !== undefined) {
    return `${namespace}:${nodeHashing.createHash('sha256').update(credential, 'utf8').digest('base64url')}`;
  }
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(credential));
  return `${namespace}:${base64url(new Uint8Array(digest))}`;
}

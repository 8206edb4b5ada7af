/**
 * Reads `MCP_JWT_PUBLIC_KEY_FILE`: the only place core touches the file system.
 *
 * `node:fs` is reached through `process.getBuiltinModule` (Node ≥ 20.16) instead of a static
 * import, so the bundled package still loads on runtimes without a file system (edge workers);
 * there a key file is simply reported as unreadable and an inline key or JWKS must be used.
 *
 * @module
 */

/** A key file that could not be read; the message names the reason, never file contents. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** Reads a key file as UTF-8 text, synchronously (configuration is parsed synchronously). */
export function readKeyFile(path: string): string {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new KeyFileError('cannot be read: this runtime has no file system; use MCP_JWT_PUBLIC_KEY instead');
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new KeyFileError('is not a regular file');
    if (stat.size > MAX_KEY_FILE_BYTES) throw new KeyFileError('is larger than 1 MiB; is this really a public key?');
    return fs.readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof KeyFileError) throw cause;
    const code = (cause as { code?: unknown } | null)?.code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : typeof code === 'string'
            ? code
            : 'unknown error';
    throw new KeyFileError(`cannot be read (${reason}); check the path and the file permissions`);
  }
}

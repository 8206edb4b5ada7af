/**
 * Every credential the suite sends is written down here, so that at the end the captured server
 * logs can be searched for each one (docs/security.md, "Threat model": no token, API key, secret or
 * Authorization value may appear in a log).
 *
 * @module
 */

/** Values shorter than this are too likely to occur by chance in a log line to be meaningful. */
const MIN_LENGTH = 12;

/** The credentials used in one test file. */
export class CredentialLedger {
  readonly #values = new Set<string>();

  /** Records a credential and returns it, so calls can wrap the value where it is made. */
  add<T extends string>(value: T): T {
    const trimmed = value.trim();
    this.#record(trimmed);
    // A JWT's signature alone identifies it: look for it separately in case a log cut the token.
    const parts = trimmed.split('.');
    const signature = parts.at(-1) ?? '';
    if (parts.length === 3 && signature.length >= 32) this.#record(signature);
    return value;
  }

  /**
   * Records the value of an Authorization header, and its credential part; for Basic credentials
   * (RFC 7617) also what they encode, `user:password` and the password alone, since a log could
   * hold the decoded form.
   */
  addAuthorization(header: string): string {
    this.add(header);
    const match = /^(\S+)\s+(.*)$/s.exec(header.trim());
    const credential = match?.[2];
    if (credential !== undefined) this.add(credential);
    if (credential !== undefined && match?.[1]?.toLowerCase() === 'basic') this.addBasic(credential);
    return header;
  }

  /** Records base64 Basic credentials, `user:password` and the password, when they decode to that. */
  addBasic(credentials: string): void {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return;
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return;
    this.add(decoded);
    this.add(decoded.slice(colon + 1));
  }

  get size(): number {
    return this.#values.size;
  }

  #record(value: string): void {
    if (value.length < MIN_LENGTH) return;
    this.#values.add(value);
    // Logs are JSON lines: a value with quotes, backslashes or control characters appears escaped.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.#values.add(escaped);
  }

  /**
   * The recorded values found in `text`, each shown only by its length and first four characters
   * so a failing test does not print the secret itself. One pass over the text, looking each
   * position's first {@link MIN_LENGTH} characters up among the values' prefixes, so thousands of
   * tokens are checked against megabytes of logs in about a second.
   */
  leaksIn(text: string): string[] {
    const byPrefix = new Map<string, string[]>();
    for (const value of this.#values) {
      const prefix = value.slice(0, MIN_LENGTH);
      const bucket = byPrefix.get(prefix);
      if (bucket === undefined) byPrefix.set(prefix, [value]);
      else bucket.push(value);
    }
    const leaks = new Set<string>();
    for (let i = 0; i + MIN_LENGTH <= text.length; i++) {
      const candidates = byPrefix.get(text.slice(i, i + MIN_LENGTH));
      if (candidates === undefined) continue;
      for (const value of candidates) {
        if (text.startsWith(value, i)) leaks.add(`${value.slice(0, 4)}… (${value.length} chars)`);
      }
    }
    return [...leaks];
  }
}

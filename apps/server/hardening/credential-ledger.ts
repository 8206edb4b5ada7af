/**
 * Every credential the suite sends is written down here, so that at the end the captured server
 * logs can be searched for each one (R18, issue 8 "Secrets": no token, API key, secret or
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
    if (trimmed.length >= MIN_LENGTH) this.#values.add(trimmed);
    // A JWT's signature alone identifies it: look for it separately in case a log cut the token.
    const parts = trimmed.split('.');
    const signature = parts.at(-1) ?? '';
    if (parts.length === 3 && signature.length >= 32) this.#values.add(signature);
    return value;
  }

  /** Records the value of an Authorization header, and its credential part. */
  addAuthorization(header: string): string {
    this.add(header);
    const credential = /^\S+\s+(.*)$/s.exec(header.trim())?.[1];
    if (credential !== undefined) this.add(credential);
    return header;
  }

  get size(): number {
    return this.#values.size;
  }

  /**
   * The recorded values found in `text`, each shown only by its length and first four characters
   * so a failing test does not print the secret itself.
   */
  leaksIn(text: string): string[] {
    const leaks: string[] = [];
    for (const value of this.#values) {
      if (text.includes(value)) leaks.push(`${value.slice(0, 4)}… (${value.length} chars)`);
    }
    return leaks;
  }
}

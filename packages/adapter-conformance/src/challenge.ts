/**
 * Reads the challenges of a `WWW-Authenticate` field (RFC 9110 §11.6.1: one or more, comma
 * separated; RFC 6750 §3 for Bearer, RFC 9449 §7.1 for DPoP, RFC 7617 §2 for Basic; quoted
 * strings per RFC 9110 §5.6.4), so cases can state what a client will find in each challenge.
 *
 * @module
 */

/** The scheme and auth-params of a single challenge. */
export interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
}

const SCHEME = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/y;
const PARAM = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;

/**
 * Parses `Bearer a="x", DPoP algs="y", Basic realm="z"` into its challenges, in order; throws on anything
 * else, which fails the case that sent it.
 */
export function parseChallenges(header: string): ParsedChallenge[] {
  const challenges: ParsedChallenge[] = [];
  let position = 0;
  while (position < header.length) {
    SCHEME.lastIndex = position;
    const scheme = SCHEME.exec(header);
    if (scheme === null) throw new Error(`unparsable challenge at ${position}: ${header}`);
    const params: Record<string, string> = {};
    challenges.push({ scheme: scheme[1]!, params });
    position = SCHEME.lastIndex;
    // Parameters until the next token that is not followed by "=": the next challenge's scheme.
    while (position < header.length) {
      PARAM.lastIndex = position;
      const param = PARAM.exec(header);
      if (param === null) break;
      const name = param[1]!.toLowerCase();
      if (name in params) throw new Error(`repeated parameter ${name}: ${header}`);
      params[name] = param[2] === undefined ? param[3]! : param[2].replace(/\\(.)/g, '$1');
      position = PARAM.lastIndex;
    }
  }
  if (challenges.length === 0) throw new Error(`not a challenge: ${header}`);
  return challenges;
}

/** The first challenge of the field (the one OAuth clients read: Bearer). */
export function parseChallenge(header: string): ParsedChallenge {
  return parseChallenges(header)[0]!;
}

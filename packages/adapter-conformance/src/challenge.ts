/**
 * Reads the parameters of a `WWW-Authenticate: Bearer ...` challenge (RFC 6750 §3, quoted
 * strings per RFC 9110 §5.6.4), so cases can state what a client will find in it.
 *
 * @module
 */

/** The scheme and auth-params of a single challenge. */
export interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
}

const PARAM = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;

/** Parses `Bearer a="x", b="y"`; throws on anything else, which fails the case that sent it. */
export function parseChallenge(header: string): ParsedChallenge {
  const match = /^\s*([A-Za-z]+)\s+/.exec(header);
  if (match === null) throw new Error(`not a challenge: ${header}`);
  const params: Record<string, string> = {};
  PARAM.lastIndex = match[0].length;
  while (PARAM.lastIndex < header.length) {
    const start = PARAM.lastIndex;
    const param = PARAM.exec(header);
    if (param === null) throw new Error(`unparsable challenge at ${start}: ${header}`);
    const name = param[1]!.toLowerCase();
    if (name in params) throw new Error(`repeated parameter ${name}: ${header}`);
    params[name] = param[2] === undefined ? param[3]! : param[2].replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1]!, params };
}

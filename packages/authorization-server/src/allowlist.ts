/**
 * Who may sign in (`MCP_ALLOWED_USERS`): upstream logins, verified email addresses, email domains
 * (`@example.com`) and GitHub organizations (`org:name`), or `*` written out for everyone with an
 * account at the upstream provider. Nobody is let in by default.
 *
 * @module
 */

/** A parsed allowlist. */
export interface AllowList {
  /** `*` was written: anyone the upstream provider signs in. */
  readonly everyone: boolean;
  readonly logins: ReadonlySet<string>;
  readonly emails: ReadonlySet<string>;
  readonly domains: ReadonlySet<string>;
  readonly organizations: ReadonlySet<string>;
}

/** What the allowlist is checked against: the identity the upstream provider vouched for. */
export interface AllowListSubject {
  login?: string | undefined;
  /** Only a verified address counts. */
  email?: string | undefined;
  emailVerified?: boolean | undefined;
  /** GitHub organizations the user belongs to, when the list names any. */
  organizations?: readonly string[] | undefined;
}

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Parses `MCP_ALLOWED_USERS` (comma- or whitespace-separated). Returns the list and every problem
 * found; matching is case-insensitive (logins, addresses and domains are at every provider).
 *
 * @example
 * ```ts
 * parseAllowList('octocat, alice@example.com, @example.org, org:acme', 'github').list.organizations; // Set { 'acme' }
 * ```
 */
export function parseAllowList(value: string, provider: string): { list: AllowList; problems: string[] } {
  const problems: string[] = [];
  const logins = new Set<string>();
  const emails = new Set<string>();
  const domains = new Set<string>();
  const organizations = new Set<string>();
  let everyone = false;
  for (const raw of value.split(/[\s,]+/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry === '*') {
      everyone = true;
    } else if (entry.toLowerCase().startsWith('org:')) {
      const name = entry.slice(4);
      if (provider !== 'github') problems.push(`"${entry}": organizations are a GitHub notion; ${provider} has none`);
      else if (!LOGIN.test(name)) problems.push(`"${entry}" is not a GitHub organization name`);
      else organizations.add(name.toLowerCase());
    } else if (entry.startsWith('@')) {
      if (!DOMAIN.test(entry.slice(1))) problems.push(`"${entry}" is not an email domain such as @example.com`);
      else domains.add(entry.slice(1).toLowerCase());
    } else if (entry.includes('@')) {
      if (!EMAIL.test(entry)) problems.push(`"${entry}" is not an email address`);
      else emails.add(entry.toLowerCase());
    } else if (!LOGIN.test(entry)) {
      problems.push(`"${entry}" is not a login, an email address, @domain, org:name or *`);
    } else {
      logins.add(entry.toLowerCase());
    }
  }
  if (!everyone && logins.size + emails.size + domains.size + organizations.size === 0 && problems.length === 0) {
    problems.push('names nobody: list logins, emails, @domains or org:names, or write * to let every account in');
  }
  return { list: { everyone, logins, emails, domains, organizations }, problems };
}

/**
 * Whether `subject` may sign in. An email address, and its domain, count only when the upstream
 * provider says it is verified: anyone can type an unverified address into a profile.
 */
export function isAllowed(list: AllowList, subject: AllowListSubject): boolean {
  if (list.everyone) return true;
  if (subject.login !== undefined && list.logins.has(subject.login.toLowerCase())) return true;
  if (subject.email !== undefined && subject.emailVerified === true) {
    const email = subject.email.toLowerCase();
    if (list.emails.has(email)) return true;
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (list.domains.has(domain)) return true;
  }
  return (subject.organizations ?? []).some((org) => list.organizations.has(org.toLowerCase()));
}

/**
 * The configuration rules of issuers: the provider preset applied to the `MCP_JWT_*` issuer,
 * defaults and checks for every `MCP_TRUSTED_ISSUERS` entry, and the invariant that makes routing
 * by `iss` safe: every accepted issuer string belongs to exactly one verifier.
 *
 * @module
 */

import { insecureUrlProblem, isSecureEnoughUrl } from '../http/secure-url.js';
import { isSymmetricAlgorithm } from '../jwt/jwt-algorithms.js';
import { KeyMaterialError, parseKeyMaterial } from '../jwt/key-material.js';
import { KeyFileError, readKeyFile } from '../jwt/read-key-file.js';
import { PresetIssuerError, providerPreset } from '../presets/provider-presets.js';
import type { WardenConfig } from './config-schema.js';
import type { TrustedIssuer } from './trusted-issuers.js';

type ConfigKey = keyof WardenConfig;

/** What `load-config.ts` hands over: its bookkeeping of failed fields and its issue list. */
export interface IssuerRuleContext {
  /** True when none of the keys failed to parse. */
  ok(...keys: ConfigKey[]): boolean;
  report(key: ConfigKey, message: string): void;
  /** The variable (env) or option (code) name of a key. */
  name(key: ConfigKey): string;
  /** Whether the audience was configured, rather than defaulted to the resource URL. */
  audienceExplicit: boolean;
  /**
   * The 1-based list position of each `config.trustedIssuers` entry. Given when some entries had
   * shape problems (already reported) and were left out, so the rest are still checked.
   */
  trustedIssuerPositions?: readonly number[];
  /** Whether trusted issuers were configured at all (true even when every entry had a problem). */
  trustedIssuersSet: boolean;
}

const ISSUER_EXAMPLES: Record<string, string> = {
  auth0: 'https://your-tenant.auth0.com/',
  entra: 'https://login.microsoftonline.com/<tenant-id>/v2.0',
  keycloak: 'https://keycloak.example.com/realms/<realm>',
};

/** The issuers of a configuration once the presets are applied and every default is filled in. */
export type ResolvedIssuers = Pick<WardenConfig, 'jwtIssuer' | 'trustedIssuers'>;

/**
 * Applies the provider preset to the `MCP_JWT_*` issuer and resolves every trusted issuer,
 * reporting every problem through `context`. `config` is read, never changed.
 */
export function resolveIssuers(config: WardenConfig, context: IssuerRuleContext): ResolvedIssuers {
  const jwtActive = config.authEnabled !== false && config.jwtEnabled !== false;
  const jwtIssuer = presetIssuer(config, context, jwtActive);
  let trustedIssuers = config.trustedIssuers;
  if (Array.isArray(trustedIssuers) && context.ok('jwtAudience', 'jwtAlgorithms', 'allowInsecureHttp')) {
    const position = (index: number) => context.trustedIssuerPositions?.[index] ?? index + 1;
    trustedIssuers = trustedIssuers.map((entry, index) => resolveEntry(config, entry, position(index), context));
    const resolved = { ...config, jwtIssuer, trustedIssuers };
    checkUniqueIssuers(resolved, context, position);
    checkPrimaryIsRoutable(resolved, context, jwtActive);
  }
  return { jwtIssuer, trustedIssuers };
}

/** The `MCP_JWT_*` issuer as its provider preset spells it (Auth0's slash, Entra's v2 form, …). */
function presetIssuer(config: WardenConfig, context: IssuerRuleContext, jwtActive: boolean): string | undefined {
  const { ok, report, name } = context;
  if (config.provider === undefined || !ok('provider', 'jwtIssuer', 'oauthServerUrl')) return config.jwtIssuer;
  const preset = providerPreset(config.provider);
  const source: ConfigKey | undefined =
    config.jwtIssuer !== undefined ? 'jwtIssuer' : config.oauthServerUrl !== undefined ? 'oauthServerUrl' : undefined;
  const base = source === undefined ? preset.defaultIssuer : (config[source] as string);
  let issuer = config.jwtIssuer;
  if (base === undefined) {
    if (jwtActive) {
      report(
        'provider',
        `is ${preset.name} but no issuer is configured: set ${name('jwtIssuer')} to the issuer your tokens carry, e.g. ${ISSUER_EXAMPLES[preset.name]}`,
      );
    }
  } else {
    try {
      issuer = preset.resolveIssuer(base).issuer;
    } catch (error) {
      if (!(error instanceof PresetIssuerError)) throw error;
      report(source ?? 'provider', `${error.message} (${name('provider')}=${preset.name})`);
    }
  }
  if (preset.audienceMustBeConfigured && !context.audienceExplicit && jwtActive && ok('jwtAudience')) {
    report(
      'jwtAudience',
      `must be set with ${name('provider')}=${preset.name}: its JWTs are ID tokens whose "aud" is your OAuth client ID, never the MCP resource URL`,
    );
  }
  return issuer;
}

function resolveEntry(
  config: WardenConfig,
  raw: TrustedIssuer,
  position: number,
  context: IssuerRuleContext,
): TrustedIssuer {
  const { report, name } = context;
  const entry: TrustedIssuer = { ...raw, audience: [...raw.audience], algorithms: [...raw.algorithms] };
  const problem = (message: string) => report('trustedIssuers', `entry ${position} (${raw.issuer}): ${message}`);

  if (entry.provider !== undefined) {
    const preset = providerPreset(entry.provider);
    try {
      entry.issuer = preset.resolveIssuer(entry.issuer).issuer;
    } catch (error) {
      if (!(error instanceof PresetIssuerError)) throw error;
      problem(`issuer ${error.message}`);
    }
    if (preset.audienceMustBeConfigured && entry.audience.length === 0 && !context.audienceExplicit) {
      problem(`audience is required with provider ${preset.name}: its JWTs carry your OAuth client ID as "aud"`);
    }
  }
  // An empty audience means this server's own (MCP_JWT_AUDIENCE, else the resource URL): resolved
  // where tokens are checked, so it follows the configuration it belongs to.
  if (entry.algorithms.length === 0) {
    const asymmetric = config.jwtAlgorithms.filter((alg) => !isSymmetricAlgorithm(alg));
    entry.algorithms = asymmetric.length > 0 ? asymmetric : ['RS256'];
  }

  for (const field of ['issuer', 'jwksUri'] as const) {
    const value = entry[field];
    if (value !== undefined && !isSecureEnoughUrl(new URL(value), config.allowInsecureHttp)) {
      problem(`${field} ${insecureUrlProblem(name('allowInsecureHttp'))}`);
    }
  }

  const keySources = (['jwksUri', 'publicKey', 'publicKeyFile'] as const).filter((field) => entry[field] !== undefined);
  if (keySources.length > 1) {
    problem(`set only one of ${keySources.join(', ')} (without any, the keys are discovered from the issuer)`);
  } else if (entry.publicKey !== undefined) {
    try {
      parseKeyMaterial(entry.publicKey);
    } catch (error) {
      if (!(error instanceof KeyMaterialError)) throw error;
      problem(`publicKey ${error.message}`);
    }
  } else if (entry.publicKeyFile !== undefined) {
    try {
      parseKeyMaterial(readKeyFile(entry.publicKeyFile));
    } catch (error) {
      if (!(error instanceof KeyMaterialError || error instanceof KeyFileError)) throw error;
      problem(`publicKeyFile ${error instanceof KeyMaterialError ? `content ${error.message}` : error.message}`);
    }
  }
  return entry;
}

/**
 * Routing picks the verifier by the token's `iss`, so one `iss` value must never name two
 * verifiers: the `MCP_JWT_*` issuer (with its preset aliases) and every trusted issuer are checked
 * against each other.
 */
function checkUniqueIssuers(
  config: WardenConfig,
  context: IssuerRuleContext,
  position: (index: number) => number,
): void {
  const owners = new Map<string, string>();
  const claim = (issuers: string[], owner: string) => {
    for (const issuer of issuers) {
      const previous = owners.get(issuer);
      if (previous !== undefined) {
        context.report(
          'trustedIssuers',
          `${owner}: issuer ${issuer} is already configured by ${previous}; each issuer may appear once`,
        );
      } else {
        owners.set(issuer, owner);
      }
    }
  };
  if (config.jwtIssuer !== undefined && context.ok('jwtIssuer', 'provider')) {
    claim(acceptedOrSelf(config.jwtIssuer, config.provider), context.name('jwtIssuer'));
  }
  config.trustedIssuers.forEach((entry, index) => {
    claim(acceptedOrSelf(entry.issuer, entry.provider), `entry ${position(index)}`);
  });
}

function acceptedOrSelf(issuer: string, provider: WardenConfig['provider']): string[] {
  if (provider === undefined) return [issuer];
  try {
    return providerPreset(provider).resolveIssuer(issuer).acceptedIssuers;
  } catch {
    return [issuer]; // already reported
  }
}

/**
 * With trusted issuers, a token whose `iss` matches no verifier is refused before any key is
 * fetched. A `MCP_JWT_*` key without `MCP_JWT_ISSUER` would accept any `iss`, which cannot be
 * routed: it must name its issuer.
 */
function checkPrimaryIsRoutable(config: WardenConfig, context: IssuerRuleContext, jwtActive: boolean): void {
  if (!jwtActive || !context.trustedIssuersSet || config.jwtIssuer !== undefined) return;
  const { name } = context;
  const sources = [
    config.jwtSecret !== undefined && name('jwtSecret'),
    config.jwtPublicKey !== undefined && name('jwtPublicKey'),
    config.jwtPublicKeyFile !== undefined && name('jwtPublicKeyFile'),
    config.oauthJwksUri !== undefined && name('oauthJwksUri'),
  ].filter((source): source is string => source !== false);
  if (sources.length > 0) {
    context.report(
      'jwtIssuer',
      `is required when ${name('trustedIssuers')} is set and ${sources.join(', ')} is configured: every token is routed to its verifier by its issuer, so those keys must name theirs`,
    );
  }
}

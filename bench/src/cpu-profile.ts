/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and says where the time went: self time
 * per function and per origin (a package, mcp-warden's own code, Node internals, GC, idle).
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A line of the summary: share of all samples. */
export interface ProfileEntry {
  name: string;
  share: number;
}

/** Where the time went. Shares are of the busy (non-idle) samples. */
export interface ProfileSummary {
  totalMs: number;
  /** Time the process was running (not idle), ms. */
  busyMs: number;
  byOrigin: ProfileEntry[];
  topFunctions: ProfileEntry[];
  /** Every function's share, for comparing two profiles. */
  allFunctions: ProfileEntry[];
}

/** The origin of a script URL: `jose`, `@mcp-warden/core`, `node internals` … */
export function originOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native';
    return 'native';
  }
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/(@[^+/]+\+[^@/]+|[^@/]+)@/.exec(url);
  if (pnpm) return pnpm[1]!.replace('+', '/');
  const plain = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (workspace) return workspace[1] === 'apps' ? `apps/${workspace[2]}` : `@mcp-warden/${workspace[2]}`;
  if (url.includes('/bench/')) return 'bench server script';
  return 'other';
}

function shortUrl(url: string): string {
  const index = url.lastIndexOf('node_modules/');
  const tail = index === -1 ? url.replace(/^file:\/\/.*?\/(packages|apps|bench)\//, '$1/') : url.slice(index + 13);
  return tail.replace(/^\.pnpm\/[^/]+\/node_modules\//, '');
}

/** Summarises one profile. */
export function summarizeProfile(profile: Profile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  if (profile.samples !== undefined) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  let total = 0;
  let idle = 0;
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, count] of hits) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    total += count;
    if (frame.functionName === '(idle)') {
      idle += count;
      continue;
    }
    const origin = originOf(frame.url, frame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + count);
    const name = `${frame.functionName || '(anonymous)'}${frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
  }
  const busy = total - idle;
  const ranked = (map: Map<string, number>, limit: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, count]) => ({ name, share: busy === 0 ? 0 : count / busy }));
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  return {
    totalMs,
    busyMs: total === 0 ? 0 : (totalMs * busy) / total,
    byOrigin: ranked(origins, 10),
    topFunctions: ranked(functions, top),
    allFunctions: ranked(functions, Number.POSITIVE_INFINITY),
  };
}

/** A function's time per request in two profiles. */
export interface ProfileDelta {
  name: string;
  baselineUs: number;
  variantUs: number;
}

/**
 * The functions whose time per request grew the most from `baseline` to `variant`: what the
 * variant adds, function by function.
 */
export function compareProfiles(
  variant: ProfileSummary,
  variantRequests: number,
  baseline: ProfileSummary,
  baselineRequests: number,
  top = 12,
): ProfileDelta[] {
  const perRequest = (summary: ProfileSummary, requests: number) =>
    new Map(summary.allFunctions.map((f) => [f.name, (f.share * summary.busyMs * 1000) / requests]));
  const ours = perRequest(variant, variantRequests);
  const theirs = perRequest(baseline, baselineRequests);
  return [...new Set([...ours.keys(), ...theirs.keys()])]
    .map((name) => ({ name, baselineUs: theirs.get(name) ?? 0, variantUs: ours.get(name) ?? 0 }))
    .sort((a, b) => b.variantUs - b.baselineUs - (a.variantUs - a.baselineUs))
    .slice(0, top);
}

/** Summarises the (single) profile a process wrote into `dir`. */
export function summarizeProfileDir(dir: string, top?: number): ProfileSummary {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, top);
}

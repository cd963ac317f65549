import { config as loadDotenv } from 'dotenv';
import { VARS } from '../lib/config/variables.ts';
import { SUITE_FILES_ENV, TESTS_AT_ONCE_ENV } from '../lib/harness/suites.ts';
import { SECRETS_ENV } from '../lib/http/redact.ts';

/**
 * The METACONFORM_* variables metaconform knows, and a warning for any other one that is set: a misspelt
 * server id variable would otherwise be ignored without a word (and a run meant for a cloud could run
 * against the embedded reference). Every variable is documented once in .env.example (npm test checks both
 * ways).
 */

/** Variables read outside lib/config/variables.ts, with who reads them. */
export const OTHER_VARIABLES: Readonly<Record<string, string>> = {
  METACONFORM_REFERENCE_TOKEN: 'npm run reference: the token it accepts',
  METACONFORM_REFERENCE_PASSWORD: "npm run reference: its Keystone user's password",
  METACONFORM_REFERENCE_APP_SECRET: "npm run reference: its application credential's secret",
  METACONFORM_REFERENCE_API_KEY: "npm run reference: its Keystone v2.0 user's API key",
  METACONFORM_REFERENCE_READER_TOKEN: 'npm run reference: a reader-only token it accepts',
  METACONFORM_NO_BUNDLE: 'bin/load.mjs: 1 loads the TypeScript sources through tsx instead of the cached bundle',
  // lib/harness/target.ts TARGET_ENV (not imported: it would load the HTTP stack at every start)
  METACONFORM_RESOLVED_TARGET: 'set by the runner for its test workers',
  [SUITE_FILES_ENV]: 'set by the runner for its test workers',
  [TESTS_AT_ONCE_ENV]: 'set by the runner for its test workers',
  [SECRETS_ENV]: 'set by the runner for its test workers',
};

/** Prefixes of the variables of the local target recipes (targets/nova/: its state folder, ports, …), documented there. */
export const RECIPE_PREFIXES: readonly string[] = ['METACONFORM_NOVA_', 'METACONFORM_PROD_'];

/**
 * The prefix of explore's second target's settings (`--against`): METACONFORM_AGAINST_<NAME> stands for <NAME>
 * (OS_* names as they are, the others after METACONFORM_), so the family is known when what it stands for is.
 */
export const AGAINST_PREFIX = 'METACONFORM_AGAINST_';

/** Whether a METACONFORM_AGAINST_<NAME> stands for a setting metaconform reads. */
function knownAgainst(name: string, known: ReadonlySet<string>): boolean {
  if (!name.startsWith(AGAINST_PREFIX)) return false;
  const rest = name.slice(AGAINST_PREFIX.length);
  return /^OS_[A-Z0-9_]+$/.test(rest) || known.has(`METACONFORM_${rest}`);
}

/** Every METACONFORM_* variable metaconform reads. */
export function knownVariables(): string[] {
  return [...new Set([...Object.values(VARS), ...Object.keys(OTHER_VARIABLES)].filter((v) => v.startsWith('METACONFORM_')))].sort();
}

/** Levenshtein distance (small strings: names of variables). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate closest to a name (an option, a command), with its edit distance. */
export function closestName(name: string, candidates: readonly string[]): { name: string; distance: number } {
  let best = { name: candidates[0] ?? '', distance: Infinity };
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < best.distance) best = { name: c, distance: d };
  }
  return best;
}

/** The known variable closest to a name (underscores and case do not count: SERVERID is SERVER_ID). */
export function closestVariable(name: string, known: readonly string[] = knownVariables()): string {
  const bare = (n: string) => n.toUpperCase().replace(/^METACONFORM_/, '').replaceAll('_', '');
  let best = known[0]!;
  let score = Infinity;
  for (const k of known) {
    const d = distance(bare(name), bare(k)) * 100 + distance(name.toUpperCase(), k);
    if (d < score) [best, score] = [k, d];
  }
  return best;
}

type Env = Record<string, string | undefined>;

/**
 * One warning for every METACONFORM_* variable that is set and that metaconform does not read, naming the
 * closest known one; `fromDotenv` are the names the .env file sets.
 */
export function unknownVariableWarnings(env: Env, fromDotenv: ReadonlySet<string> = new Set()): string[] {
  const known = new Set(knownVariables());
  return Object.keys(env)
    .filter((name) => /^METACONFORM_/i.test(name) && env[name] !== undefined && !known.has(name) && !knownAgainst(name, known) && !RECIPE_PREFIXES.some((p) => name.startsWith(p)))
    .sort()
    .map((name) => `${name} (${fromDotenv.has(name) ? 'in .env' : 'in the environment'}) is not a metaconform variable and is ignored; did you mean ${closestVariable(name)}? (.env.example lists them all)`);
}

let loaded: { warnings: string[] } | undefined;

/**
 * Loads .env into the environment (the environment wins over it), once, and returns the warnings about the
 * METACONFORM_* variables that are set and unknown.
 */
export function loadEnvironment(): { warnings: string[] } {
  if (loaded) return loaded;
  const { parsed } = loadDotenv({ quiet: true });
  loaded = { warnings: unknownVariableWarnings(process.env, new Set(Object.keys(parsed ?? {}))) };
  return loaded;
}

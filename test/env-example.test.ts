import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AGAINST_PREFIX, knownVariables, unknownVariableWarnings } from '../cli/environment.ts';
import { ROOT } from './helpers/cli.ts';

/**
 * .env.example documents every variable the code reads, once, and nothing else: a variable named in the
 * code (lib/, cli/, bin/, reference/, scripts/, differential/, reporters/) and missing from .env.example
 * fails here, and so does a documented one the code never names. The list `metaconform` warns against
 * (an unknown METACONFORM_* variable) is the same list.
 */

const CODE = ['lib', 'cli', 'bin', 'reference', 'scripts', 'differential', 'reporters'];
/** A name of a variable: METACONFORM_… or OS_…, not followed by more of a name. */
const NAME = /\b(?:METACONFORM|OS)_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])/g;
/** Prefixes the code completes itself (`${prefix}_ID`, `${prefix}_NAME`): not variables. */
const PREFIXES = new Set(['OS_USER_DOMAIN', 'OS_PROJECT_DOMAIN']);

function namedInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of CODE) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!/\.(?:ts|mjs)$/.test(file)) continue;
      const text = readFileSync(join(ROOT, dir, file), 'utf8');
      for (const [name] of text.matchAll(NAME)) if (!PREFIXES.has(name) && !name.startsWith(AGAINST_PREFIX) && !found.has(name)) found.set(name, `${dir}/${file}`);
    }
  }
  return found;
}

/** Every `NAME=` line of .env.example, and every `# NAME=` line without a value (documented, not to be set). */
function documented(): string[] {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^(?:([A-Z][A-Z0-9_]*)=.*|# ([A-Z][A-Z0-9_]*)=)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[1] ?? m[2])!);
}

describe('.env.example', () => {
  test('documents every variable the code reads', () => {
    const docs = new Set(documented());
    const missing = [...namedInCode()].filter(([name]) => !docs.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  test('documents nothing the code does not read, and each variable once', () => {
    const code = namedInCode();
    const docs = documented();
    expect(docs.filter((name) => !code.has(name))).toEqual([]);
    expect(docs.filter((name, i) => docs.indexOf(name) !== i)).toEqual([]);
    expect(docs.length).toBeGreaterThan(40);
  });

  test('its METACONFORM_* variables are exactly the ones metaconform does not warn about', () => {
    expect(documented().filter((n) => n.startsWith('METACONFORM_')).sort()).toEqual(knownVariables());
  });

  test("documents explore's second-target family METACONFORM_AGAINST_<NAME>, which is known when <NAME> is", () => {
    expect(readFileSync(join(ROOT, '.env.example'), 'utf8')).toContain(`${AGAINST_PREFIX}<NAME>`);
    const env = { METACONFORM_AGAINST_OS_TOKEN: 't', METACONFORM_AGAINST_SERVER_ID: 's', METACONFORM_AGAINST_SERVR_ID: 's' };
    expect(unknownVariableWarnings(env).map((w) => w.split(' ')[0])).toEqual(['METACONFORM_AGAINST_SERVR_ID']);
  });

  test('names the shipped profiles', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const profiles = readdirSync(join(ROOT, 'profiles')).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(profiles.length).toBeGreaterThan(3);
    for (const p of profiles) expect(text).toContain(p);
  });
});

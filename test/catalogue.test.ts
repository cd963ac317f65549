import { describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import { nova } from '../profiles/nova.ts';
import { PROFILES } from '../profiles/index.ts';
import { citedBehaviours } from '../cli/suite-files.ts';

/** Behaviour IDs cited by conformance() calls in the suites, with the files citing them. */
function citedIds(): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const [file, ids] of citedBehaviours()) for (const id of ids) cited.set(id, [...(cited.get(id) ?? []), file]);
  return cited;
}

describe('behaviour catalogue', () => {
  test('IDs are unique and well formed, every entry has a rule and a source', () => {
    const ids = CATALOGUE.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of CATALOGUE) {
      expect(b.id).toMatch(/^(SM|IM)-[A-Z0-9]+-\d{3}$/);
      expect(b.rule.length, b.id).toBeGreaterThan(20);
      expect(b.source.length, b.id).toBeGreaterThan(0);
    }
  });

  test('every behaviour a test cites is in the catalogue', () => {
    const known = new Set(CATALOGUE.map((b) => b.id));
    const unknown = [...citedIds()].filter(([id]) => !known.has(id)).map(([id, files]) => `${id} (${files.join(', ')})`);
    expect(unknown).toEqual([]);
  });

  test('every required behaviour has a test', () => {
    const cited = citedIds();
    const untested = CATALOGUE.filter((b) => b.level === 'required' && !cited.has(b.id)).map((b) => b.id);
    expect(untested).toEqual([]);
  });
});

describe('profiles', () => {
  function differences(a: unknown, b: unknown, path = ''): string[] {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
    return Object.keys(a).flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }

  test.each(Object.values(PROFILES))('profile $name states a source for every deviation from nova', (profile) => {
    const { name: _n, title: _t, source: _s, deviations, ...rules } = profile;
    const { name: _n2, title: _t2, source: _s2, deviations: _d, ...novaRules } = nova;
    const differing = differences(rules, novaRules);
    expect(deviations.map((d) => d.fact).sort()).toEqual(differing.sort());
    for (const d of deviations) expect(d.source.length, d.fact).toBeGreaterThan(0);
  });

  test.each(Object.values(PROFILES))('profile $name has a valid key pattern and limits', (profile) => {
    const pattern = new RegExp(profile.keys.pattern);
    expect(pattern.test('a')).toBe(true);
    expect(pattern.test('')).toBe(false);
    expect(profile.values.maxLength).toBeGreaterThanOrEqual(profile.values.minLength);
    expect(profile.bases.length).toBeGreaterThan(0);
  });
});

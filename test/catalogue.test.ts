import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import { NOVA_RELEASE, RECORDED_FILE } from '../catalogue/sources.ts';
import { ROOT } from './helpers/cli.ts';
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

/**
 * A source is a link a reader can follow: an https URL (then what to read there), or a file of this repository.
 * Problems of one source text (a catalogue source, or a profile's source, which may join several with '; ').
 */
function sourceProblems(text: string): string[] {
  const problems: string[] = [];
  if (/(^|[\s(])(\.\.\/|seeds\/|shared\/spec)|behaviours\.md|nova-ground-truth\.md/.test(text)) problems.push('points outside the repository');
  // every file of Nova is cited at the release: strip the tagged links, no Nova path may remain
  const untagged = text.replaceAll(new RegExp(`https://opendev\\.org/openstack/nova/src/tag/${NOVA_RELEASE.replaceAll('.', '\\.')}/\\S+`, 'g'), '');
  if (/(^|[\s(`'"])(nova|etc\/nova|api-ref\/source|api-guide\/source|doc\/api_samples)\/[\w./-]+/.test(untagged)) problems.push(`names a file of Nova without the release tag ${NOVA_RELEASE}`);
  if (/opendev\.org\/openstack\/nova\/src\/(?!tag\/)/.test(text) || /opendev\.org\/openstack\/nova\/src\/tag\/(?!26\.2\.2\/)/.test(text)) problems.push(`cites Nova at another release than ${NOVA_RELEASE}`);
  for (const url of text.match(/https:\/\/\S+/g) ?? []) {
    if (/opendev\.org/.test(url) && !/\/src\/(tag\/[\w.-]+|commit\/[0-9a-f]{40})\//.test(url)) problems.push(`${url} names no release tag or commit`);
    if (/github\.com/.test(url) && !/\/(blob|tree)\/[0-9a-f]{40}\//.test(url)) problems.push(`${url} names no commit`);
  }
  return problems;
}

/** The case ids of Nova's recorded answers (differential/cases.json). */
function recordedCases(): Set<string> {
  const file = JSON.parse(readFileSync(join(ROOT, RECORDED_FILE), 'utf8')) as { cases: { id: string }[] };
  return new Set(file.cases.map((c) => c.id));
}

/** `A21-A23` → A21, A22, A23. */
function expandCases(list: string): string[] {
  return list.split(/,\s*/).flatMap((item) => {
    const range = /^([A-Z])(\d+)-\1(\d+)$/.exec(item);
    if (!range) return [item];
    return Array.from({ length: Number(range[3]) - Number(range[2]) + 1 }, (_, i) => `${range[1]}${Number(range[2]) + i}`);
  });
}

describe('sources: links a certifier can open', () => {
  test('every catalogue source is an https link or a file of this repository, never outside it, Nova always at its release', () => {
    const problems = CATALOGUE.flatMap((b) =>
      b.source.flatMap((s) => [...(/^https:\/\/\S+ \S/.test(s) || s.startsWith(`${RECORDED_FILE} `) ? [] : ['is neither "<https URL> <what to read>" nor a file of this repository']), ...sourceProblems(s)].map((p) => `${b.id}: ${s.slice(0, 90)}…: ${p}`)),
    );
    expect(problems).toEqual([]);
  });

  test("every case of Nova's recorded answers a source names is in differential/cases.json", () => {
    const known = recordedCases();
    const cited = CATALOGUE.flatMap((b) => b.source.flatMap((s) => [...s.matchAll(/^differential\/cases\.json cases ([A-Z0-9, -]+?) \(/g)].flatMap((m) => expandCases(m[1]!).map((id) => [b.id, id] as const))));
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter(([, id]) => !known.has(id)).map(([b, id]) => `${b}: ${id}`)).toEqual([]);
  });

  test.each(Object.values(PROFILES))('profile $name cites links, never a path outside the repository', (profile) => {
    const texts = [profile.source, ...profile.deviations.map((d) => d.source)];
    const problems = texts.flatMap((t) => [...(/https:\/\//.test(t) ? [] : ['has no link']), ...sourceProblems(t)].map((p) => `${t.slice(0, 90)}…: ${p}`));
    expect(problems).toEqual([]);
  });

  test('the check sees a relative path, an untagged Nova file and an unpinned link', () => {
    expect(sourceProblems('../shared/spec/nova-ground-truth.md A10')).toContain('points outside the repository');
    expect(sourceProblems('seeds/000_2cb4553f266783f4.txt')).toContain('points outside the repository');
    expect(sourceProblems('nova/api/openstack/compute/server_metadata.py:show')).toContain(`names a file of Nova without the release tag ${NOVA_RELEASE}`);
    expect(sourceProblems('https://opendev.org/openstack/nova/src/branch/master/nova/api/openstack/wsgi.py Fault')).not.toEqual([]);
    expect(sourceProblems('https://github.com/rackerlabs/docs-cloud-servers/blob/master/api-docs/x.rst x')).not.toEqual([]);
    expect(sourceProblems(`https://opendev.org/openstack/nova/src/tag/${NOVA_RELEASE}/nova/api/openstack/wsgi.py Fault`)).toEqual([]);
    expect(expandCases('A12, A21-A23')).toEqual(['A12', 'A21', 'A22', 'A23']);
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

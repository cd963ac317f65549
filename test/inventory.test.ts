import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { CATALOGUE } from '../catalogue/index.ts';
import { checkedInInventory, familyOf, INVENTORY_COMMAND, INVENTORY_FILE, inventoryText, testsById } from '../cli/inventory.ts';
import { formatCatalogue, parseListArgs, selectBehaviours } from '../cli/list.ts';
import { declaredTests, declaredTestsIn, suiteFiles } from '../cli/suite-files.ts';
import { ConfigError } from '../lib/errors.ts';
import { ROOT } from './helpers/cli.ts';

describe('the conformance inventory (catalogue/inventory.yaml)', () => {
  test(`is what ${INVENTORY_COMMAND} writes from the tree: a test added, moved or dropped shows in review`, () => {
    const generated = inventoryText();
    const checkedIn = checkedInInventory();
    if (checkedIn !== generated) {
      const a = (checkedIn ?? '').split('\n');
      const b = generated.split('\n');
      const first = b.findIndex((line, i) => line !== a[i]);
      expect.fail(`${INVENTORY_FILE} differs from the tree (first at line ${first + 1}: ${JSON.stringify(a[first] ?? '(end)')} → ${JSON.stringify(b[first] ?? '(end)')}): run '${INVENTORY_COMMAND}' and commit the file`);
    }
  });

  test('lists every behaviour once, in catalogue order, with its level, rule, family and bases; every test line holds its conformance() call', () => {
    const doc = parse(inventoryText()) as { behaviours: { id: string; family: string; level: string; rule: string; bases: Record<string, string[]>; tests: { at: string; title?: string }[] }[] };
    expect(doc.behaviours.map((b) => b.id)).toEqual(CATALOGUE.map((b) => b.id));
    for (const [i, entry] of doc.behaviours.entries()) {
      const b = CATALOGUE[i]!;
      expect([entry.family, entry.level, entry.rule]).toEqual([familyOf(b.id), b.level, b.rule]);
      expect(entry.bases.nova).toEqual(['v2', 'v2.1']);
      for (const t of entry.tests) {
        const [file, line] = t.at.split(':') as [string, string];
        expect(readFileSync(join(ROOT, file), 'utf8').split('\n')[Number(line) - 1], t.at).toContain(`conformance('${b.id}'`);
      }
    }
    expect(doc.behaviours.find((b) => b.id === 'SM-SET-005')!.tests.map((t) => t.at)).toEqual([expect.stringMatching(/^suites\/access\/quota\.spec\.ts:\d+$/)]);
  });

  test('the declarations are read from every suite file: as many as it has conformance() calls', () => {
    for (const file of suiteFiles()) {
      const calls = readFileSync(join(ROOT, file), 'utf8').match(/\bconformance\(/g)?.length ?? 0;
      expect(declaredTests().filter((t) => t.file === file).length, file).toBe(calls);
    }
    expect(declaredTests().every((t) => t.title !== undefined)).toBe(true);
  });

  test('the reader takes IDs, lines, escaped titles and apis: once', () => {
    const text = ["import x from 'y';", '', "conformance('SM-A-001', { title: 'the server\\'s \"quoted\" key' }, async () => {});", "conformance(", "  'SM-B-002', { title: \"double\", apis: 'once' }, fn);"].join('\n');
    expect(declaredTestsIn('f.spec.ts', text)).toEqual([
      { id: 'SM-A-001', file: 'f.spec.ts', line: 3, title: 'the server\'s "quoted" key', once: false },
      { id: 'SM-B-002', file: 'f.spec.ts', line: 4, title: 'double', once: true },
    ]);
  });
});

describe('metaconform list', () => {
  test('filters by tag, level and family (the ID without its number); kinds must all match, values of one kind are alternatives', () => {
    const ids = (args: string[]) => selectBehaviours(parseListArgs(args)).map((b) => b.id);
    expect(ids(['--family', 'SM-SET'])).toEqual(['SM-SET-001', 'SM-SET-002', 'SM-SET-003', 'SM-SET-004', 'SM-SET-005']);
    expect(ids(['--family=sm-set,SM-DEL', '--tag', 'state'])).toEqual(['SM-DEL-004']);
    expect(ids(['--level', 'informational']).every((id) => CATALOGUE.find((b) => b.id === id)!.level === 'informational')).toBe(true);
    expect(ids(['--tag', 'image', '--level', 'advisory'])).toEqual([]);
    expect(ids([])).toHaveLength(CATALOGUE.length);
  });

  test('prints the test file and line of each behaviour, and says when a behaviour has none', () => {
    const text = formatCatalogue(parseListArgs(['--family', 'SM-SET,IM-ERR']));
    expect(text).toMatch(/^SM-SET-005 +required +suites\/access\/quota\.spec\.ts:\d+ +PUT \{S\}\/\{key\} MUST count the quota/m);
    expect(text).toMatch(/^IM-ERR-001 +informational +suites\/image-metadata\/errors\.spec\.ts:\d+ +A Glance 400/m);
    const withoutOne = new Map([...testsById()].filter(([id]) => id !== 'IM-ERR-001'));
    expect(formatCatalogue(parseListArgs(['--family', 'IM-ERR']), withoutOne)).toMatch(/^IM-ERR-001 +informational +\(no test\) +A Glance 400/m);
    expect(text).toMatch(/6 behaviours \(of \d+\): 5 required, 0 advisory, 1 informational$/);
    const json = JSON.parse(formatCatalogue(parseListArgs(['--json', '--family', 'SM-SET']))) as { id: string; family: string; tests: { file: string; line: number }[] }[];
    expect(json.find((b) => b.id === 'SM-SET-005')).toMatchObject({ family: 'SM-SET', tests: [{ file: 'suites/access/quota.spec.ts', line: expect.any(Number) }] });
  });

  test.each([
    [['--tag', 'nope'], '--tag', /unknown tag 'nope'/],
    [['--level', 'must'], '--level', /unknown level 'must' \(known: required, advisory, informational\)/],
    [['--family', 'SM-NOPE'], '--family', /unknown family 'SM-NOPE'/],
    [['--family'], '--family', /needs a value/],
    [['--yaml'], '--yaml', /unknown option/],
  ])('%j is a usage error naming %s', (args, variable, message) => {
    let error: unknown;
    try {
      parseListArgs(args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
  });
});

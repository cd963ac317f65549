import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CATALOGUE, PARTS } from '../catalogue/index.ts';
import { familyOf } from '../cli/inventory.ts';
import { declaredTests, suiteFiles } from '../cli/suite-files.ts';
import { ROOT } from './helpers/cli.ts';

/** The README and the tree agree: its Layout table and its table of suite files are checked against the tree. */

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the markdown table that follows a heading, as cells. */
function tableAfter(heading: string): string[][] {
  const from = README.indexOf(`\n${heading}\n`);
  expect(from, heading).toBeGreaterThan(-1);
  const lines = README.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    if (/^\|[-| ]+\|$/.test(line)) continue;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows.slice(1);
}

const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Folders and files at the top of the tree that the Layout table must account for. */
function topLevelFolders(): string[] {
  const ignored = new Set(['node_modules', '.git', 'results', 'tmp']);
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !ignored.has(e.name) && (!e.name.startsWith('.') || e.name === '.ci'))
    .map((e) => `${e.name}/`);
}

describe('README', () => {
  test('every file or folder of the repository it names exists', () => {
    const named = [
      ...README.matchAll(/`((?:bin|catalogue|cli|differential|examples|lib|profiles|reference|reporters|schemas|scripts|suites|targets|test|\.ci)\/[\w./-]*)`/g),
      ...README.matchAll(/\]\(((?:bin|catalogue|cli|differential|examples|lib|profiles|reference|reporters|schemas|scripts|suites|targets|test|\.ci)\/[^)#]*)\)/g),
    ].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(50);
    expect([...new Set(named)].filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});

describe('README, Layout', () => {
  const rows = tableAfter('## Layout');
  const paths = rows.flatMap((r) => code(r[0]!));

  test('every path the table names exists', () => {
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  test('every top folder, every folder of lib/ and every file at the top of lib/ has its row', () => {
    const folders = [...topLevelFolders().filter((f) => f !== 'lib/'), ...readdirSync(join(ROOT, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `lib/${e.name}/`)];
    // a folder is covered by its own row, by a row of a folder it is in (not lib/), or by rows of what it holds (targets/nova/)
    const covered = (f: string) => paths.some((p) => p === f || (f.startsWith(p) && p.endsWith('/') && p !== 'lib/') || (p.startsWith(f) && f !== 'lib/'));
    expect(folders.filter((f) => !covered(f))).toEqual([]);
    const libFiles = readdirSync(join(ROOT, 'lib')).filter((f) => f.endsWith('.ts')).map((f) => `lib/${f}`);
    expect(libFiles.filter((f) => !paths.includes(f))).toEqual([]);
  });

  test('the lib/harness row names every module of lib/harness/', () => {
    const row = rows.find((r) => code(r[0]!).includes('lib/harness/'))!;
    const named = new Set(code(row[1]!));
    expect(readdirSync(join(ROOT, 'lib', 'harness')).filter((f) => !named.has(f))).toEqual([]);
  });
});

describe('README, What is checked: where each test lives', () => {
  // | part of the catalogue (empty: the row above's) | suite file | behaviours (`X-*`: the whole family) |
  const rows = tableAfter('## What is checked');
  let part = '';
  const table = rows.map(([partCell, fileCell, idsCell]) => {
    if (partCell) part = code(partCell)[0]!;
    const ids = code(idsCell!).flatMap((id) => (id.endsWith('-*') ? CATALOGUE.filter((b) => familyOf(b.id) === id.slice(0, -2)).map((b) => b.id) : [id]));
    return { part, file: code(fileCell!)[0]!, ids };
  });
  const declared = declaredTests();

  test('lists every suite file once, and no other', () => {
    expect(table.map((r) => r.file).sort()).toEqual([...suiteFiles()].sort());
  });

  test('lists exactly the behaviours each file holds', () => {
    for (const row of table) {
      expect([...row.ids].sort(), row.file).toEqual([...new Set(declared.filter((t) => t.file === row.file).map((t) => t.id))].sort());
    }
  });

  test("every test is in the folder of its behaviour's part of the catalogue, as the table's rows say", () => {
    const partOf = (id: string) => PARTS.find((p) => p.behaviours.some((b) => b.id === id))!;
    expect(declared.filter((t) => !t.file.startsWith(partOf(t.id).suites)).map((t) => `${t.id} in ${t.file}, its part ${partOf(t.id).file} tests in ${partOf(t.id).suites}`)).toEqual([]);
    // a row's part is the part of (some of) its behaviours: a file may hold tests of two parts of one folder
    for (const row of table) expect(row.ids.map((id) => partOf(id).file), row.file).toContain(row.part);
  });
});

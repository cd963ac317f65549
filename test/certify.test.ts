import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { BUNDLE_CATALOGUE, BUNDLE_META, verifyBundle, type VerifyOptions } from '../cli/bundle.ts';
import { STATUSES } from '../lib/results/summary.ts';
import { editJson, editText, json, keyPair, MANIFEST_PATH, pack, SIGNATURE_PATH, signedWith, unpack, withManifest, type Entry } from './helpers/bundle.ts';
import { releasedCatalogues } from '../cli/bundle.ts';
import { suiteVersion } from '../cli/paths.ts';
import { runCli, tempDir } from './helpers/cli.ts';

let dir: string;
let bundle: string;
let vendor: { priv: string; pub: string };
let otherPubkey: string;
let good: Entry[];

const CERT = 'bundle/certification.json';
const SUMMARY = 'bundle/summary.json';
const JUNIT = 'bundle/junit.xml';
const META = `bundle/${BUNDLE_META}`;
const CATALOGUE_PATH = `bundle/${BUNDLE_CATALOGUE}`;

let n = 0;
/** Writes entries as a bundle file (manifest rewritten unless told otherwise) and returns its path. */
function bundleOf(entries: readonly Entry[], opts: { manifest?: boolean } = {}): string {
  const out = join(dir, `tampered-${n++}.tar.gz`);
  writeFileSync(out, pack(opts.manifest === false ? entries : withManifest(entries)));
  return out;
}

async function problemsOf(entries: readonly Entry[], opts: VerifyOptions = { allowUnsigned: true }, manifest = true): Promise<string[]> {
  return (await verifyBundle(bundleOf(entries, { manifest }), opts)).problems;
}

function allureResults(entries: readonly Entry[]): string[] {
  return entries.filter((e) => e.path.startsWith('bundle/allure-results/') && e.path.endsWith('-result.json')).map((e) => e.path).sort();
}

/** A CLI run's output: every line, and no stack trace anywhere. */
function expectOneLinePerProblem(run: { stdout: string; stderr: string }): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at |internal error/);
  for (const line of run.stdout.trim().split('\n')) expect(line).toMatch(/^(PROBLEM: |note: |verify: )/);
}

beforeAll(async () => {
  dir = tempDir('certify');
  vendor = keyPair(dir, 'vendor');
  otherPubkey = keyPair(dir, 'other').pub;
  bundle = join(dir, 'bundle.tar.gz');
  const run = await runCli(['certify', '--sign', vendor.priv, '--out', bundle]);
  expect(run.code, run.stdout.slice(-800) + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/certification bundle written to .*\(manifest signed\)/);
  good = unpack(readFileSync(bundle));
});

describe('certify and verify', () => {
  test('certify refuses selection, expectations and retries', async () => {
    for (const args of [['--behaviour', 'SM-KEY-*'], ['--tag', 'core'], ['--expectations', 'x.yaml'], ['--retries', '1']]) {
      const run = await runCli(['certify', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is refused by certify/);
    }
  });

  test('a clean, signed bundle verifies with the vendor key (also through the CLI); only regular files under bundle/', async () => {
    expect(good.every((e) => (e.type === 'File' || e.type === 'Directory') && e.path.startsWith('bundle/'))).toBe(true);
    const result = await verifyBundle(bundle, { pubkey: vendor.pub });
    expect([result.problems, result.signature]).toEqual([[], 'verified']);
    const run = await runCli(['verify', bundle, '--pubkey', vendor.pub]);
    expect([run.code, run.stdout.trim().split('\n').pop()]).toEqual([0, 'verify: OK — signature verified, manifest intact, catalogue as released, certification, summary, JUnit and Allure results agree, every required behaviour present and passed, nothing applied']);
  });

  test('without --pubkey, or unsigned, verify refuses unless --allow-unsigned is given, and then says so', async () => {
    const signedNoKey = await runCli(['verify', bundle]);
    expect(signedNoKey.code).toBe(1);
    expect(signedNoKey.stdout).toMatch(/PROBLEM: the signature was not checked: give the vendor's key with --pubkey/);
    const unsigned = bundleOf(good.filter((e) => e.path !== SIGNATURE_PATH), { manifest: false });
    const refused = await runCli(['verify', unsigned]);
    expect([refused.code, refused.stdout.trim().split('\n').filter((l) => !l.startsWith('note: '))]).toEqual([1, ['PROBLEM: the bundle is unsigned: nothing proves who made it (accept that explicitly with --allow-unsigned)', 'verify: REJECTED (1 problem(s))']]);
    const allowed = await runCli(['verify', unsigned, '--allow-unsigned']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/verify: OK \(UNSIGNED: signature not checked, accepted by --allow-unsigned\)/);
    const withKey = await runCli(['verify', unsigned, '--pubkey', vendor.pub, '--allow-unsigned']);
    expect(withKey.code).toBe(1);
    expect(withKey.stdout).toMatch(/PROBLEM: the bundle is not signed/);
    const wrongKey = await runCli(['verify', bundle, '--pubkey', otherPubkey]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/PROBLEM: the manifest signature does not verify with the given public key/);
    for (const run of [signedNoKey, refused, allowed, withKey, wrongKey]) expectOneLinePerProblem(run);
  });

  test('an edited result is caught by the manifest; a rewritten manifest breaks the signature', async () => {
    const edited = editJson(good, CERT, (d) => (d.behaviours[0].status = 'not-applicable'));
    expect(await problemsOf(edited, { pubkey: vendor.pub }, false)).toContain('certification.json: altered (SHA-256 differs from the manifest)');
    expect(await problemsOf(editJson(good, CERT, (d) => (d.verdict = 'CONFORMANT')), { pubkey: vendor.pub })).toContain('the manifest signature does not verify with the given public key');
  });

  test('a removed behaviour is caught even with a rewritten manifest', async () => {
    const out = editJson(good, CERT, (d) => (d.behaviours = d.behaviours.filter((b: { id: string }) => b.id !== 'SM-REPLACE-001')));
    expect(await problemsOf(out)).toContain('SM-REPLACE-001: in the catalogue, missing from certification.json');
  });

  test('a changed catalogue is refused, even with its digest and the manifest rewritten', async () => {
    const cat = json(good, CATALOGUE_PATH) as { id: string }[];
    const text = `${JSON.stringify(cat.filter((b) => b.id !== 'SM-KEY-001'), null, 2)}\n`;
    const out = editJson(editText(good, CATALOGUE_PATH, () => text), META, (d) => (d.catalogueSha256 = createHash('sha256').update(text).digest('hex')));
    expect((await problemsOf(out)).join('\n')).toContain(`catalogue.json: differs from the released catalogue of metaconform ${suiteVersion()}`);
  });

  test('another suite version with an all-advisory catalogue and every result failed is refused, even signed by the vendor', async () => {
    let out = editJson(good, META, (d) => (d.suite.version = '0.0.9'));
    out = editJson(out, CATALOGUE_PATH, (d) => d.forEach((b: { level: string }) => (b.level = 'advisory')));
    const catalogueText = out.find((e) => e.path === CATALOGUE_PATH)!.data;
    out = editJson(out, META, (d) => (d.catalogueSha256 = createHash('sha256').update(catalogueText).digest('hex')));
    for (const file of [CERT, SUMMARY]) out = editJson(out, file, (d) => d.behaviours.forEach((b: { level: string; status: string }) => ((b.level = 'advisory'), (b.status = 'advisory-failed'))));
    const problems = await problemsOf(signedWith(withManifest(out), vendor.priv), { pubkey: vendor.pub }, false);
    expect(problems).toEqual([`bundle.json: metaconform 0.0.9 is not a released version this verifier knows (${Object.keys(releasedCatalogues()).join(', ')}); nothing in the bundle can be judged`]);
    // the same catalogue under the current version: its digest is not the released one
    const current = editJson(out, META, (d) => (d.suite.version = suiteVersion()));
    expect((await problemsOf(current)).join('\n')).toContain(`catalogue.json: differs from the released catalogue of metaconform ${suiteVersion()}`);
  });

  test('certification.json saying passed while summary.json and junit.xml say failed is rejected, naming the behaviour and the files', async () => {
    let out = editJson(good, SUMMARY, (d) => {
      const b = d.behaviours.find((x: { id: string }) => x.id === 'SM-MERGE-001');
      b.status = 'failed';
      b.tests[0].outcome = 'failed';
    });
    out = editText(out, JUNIT, (xml) => {
      const at = xml.indexOf('<property name="behaviour" value="SM-MERGE-001"/>');
      const end = xml.indexOf('</testcase>', at);
      return xml.slice(0, at) + xml.slice(at, end).replace('value="passed"', 'value="failed"').replace('</properties>', '</properties>\n      <failure message="x">x</failure>') + xml.slice(end);
    });
    const problems = await problemsOf(signedWith(withManifest(out), vendor.priv), { pubkey: vendor.pub }, false);
    expect(problems).toEqual(
      expect.arrayContaining([
        'SM-MERGE-001: certification.json says passed, summary.json says failed',
        'SM-MERGE-001: certification.json says passed, junit.xml says failed',
        expect.stringMatching(/^SM-MERGE-001: test \[v2\] is failed in summary.json, passed in allure-results\//),
      ]),
    );
  });

  test('a duplicate behaviour entry (failed, then passed) is rejected, in any file', async () => {
    const dup = (d: { behaviours: { id: string; status: string }[] }) => {
      const i = d.behaviours.findIndex((b) => b.id === 'SM-MERGE-001');
      d.behaviours.splice(i, 0, { ...d.behaviours[i]!, status: 'failed' });
    };
    expect(await problemsOf(editJson(good, CERT, dup))).toContain('SM-MERGE-001: duplicate behaviour entry in certification.json');
    expect(await problemsOf(editJson(good, SUMMARY, dup))).toContain('SM-MERGE-001: duplicate behaviour entry in summary.json');
    const xml = editText(good, JUNIT, (text) => {
      const at = text.lastIndexOf('<testcase', text.indexOf('value="SM-MERGE-001"'));
      const end = text.indexOf('</testcase>', at) + '</testcase>'.length;
      return text.slice(0, at) + text.slice(at, end) + '\n    ' + text.slice(at);
    });
    expect(await problemsOf(xml)).toContain('SM-MERGE-001: duplicate behaviour entry in junit.xml');
    const result = allureResults(good)[0]!;
    const copy = { ...good.find((e) => e.path === result)!, path: 'bundle/allure-results/00000000-0000-0000-0000-000000000000-result.json' };
    expect((await problemsOf([...good, copy])).join('\n')).toMatch(/: duplicate result \[v2(\.1)?\] in allure-results\//);
  });

  test.each([
    ['a symbolic link', { path: 'bundle/evil', type: 'SymbolicLink', data: Buffer.alloc(0), linkpath: '/etc/passwd' }, /entry "bundle\/evil" is a SymbolicLink to "\/etc\/passwd": only regular files and folders are allowed/],
    ['a hard link', { path: 'bundle/hard', type: 'Link', data: Buffer.alloc(0), linkpath: 'bundle/summary.json' }, /is a Link to "bundle\/summary.json"/],
    ['a device', { path: 'bundle/dev', type: 'CharacterDevice', data: Buffer.alloc(0) }, /is a CharacterDevice/],
    ['a FIFO', { path: 'bundle/fifo', type: 'FIFO', data: Buffer.alloc(0) }, /is a FIFO/],
    ['an absolute path', { path: '/tmp/evil.json', type: 'File', data: Buffer.from('{}') }, /refused entry: absolute path "\/tmp\/evil.json"/],
    ['a .. segment', { path: 'bundle/../evil.json', type: 'File', data: Buffer.from('{}') }, /refused entry: '\.\.' in path/],
    ['a path outside bundle/', { path: 'other/x.json', type: 'File', data: Buffer.from('{}') }, /refused entry: path outside bundle\//],
    ['a duplicate path', { path: 'bundle/summary.json', type: 'File', data: Buffer.from('{}') }, /the path "bundle\/summary.json" occurs twice/],
  ] as [string, Entry, RegExp][])('an archive with %s is refused (nothing followed or written)', async (_, entry, message) => {
    const problems = await problemsOf([...good, entry], { pubkey: vendor.pub }, false);
    expect(problems.length).toBe(1);
    expect(problems[0]).toMatch(message);
  });

  test('a 1 MB gzip bomb (1 GiB unpacked) is refused fast, in bounded memory; so is a header claiming a huge file', async () => {
    // 1024 gzip members of 1 MiB of zeros each: about 1 MB on disk, 1 GiB unpacked
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bomb = join(dir, 'bomb.tar.gz');
    writeFileSync(bomb, Buffer.concat(Array.from({ length: 1024 }, () => member)));
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const problems = (await verifyBundle(bomb, { pubkey: vendor.pub })).problems;
    expect(problems).toEqual([expect.stringMatching(/^not a readable bundle: the archive unpacks to more than \d+ bytes$/)]);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
    const header = Buffer.alloc(512);
    const { Header } = await import('tar');
    new Header({ path: 'bundle/huge.json', mode: 0o644, size: 1024 ** 3, type: 'File', mtime: new Date(0) }).encode(header, 0);
    const huge = join(dir, 'huge.tar.gz');
    writeFileSync(huge, gzipSync(Buffer.concat([header, Buffer.alloc(64 * 1024)])));
    expect((await verifyBundle(huge, { pubkey: vendor.pub })).problems).toEqual([expect.stringMatching(/^not a readable bundle: huge.json is 1073741824 bytes, more than the \d+ a file may have$/)]);
  });

  test('malformed bundles are one line each, exit 1, never a stack trace', async () => {
    const text = join(dir, 'not-gzip.tar.gz');
    writeFileSync(text, 'this is not a bundle\n');
    const notTar = join(dir, 'not-tar.tar.gz');
    writeFileSync(notTar, gzipSync(Buffer.from('x'.repeat(5000))));
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, readFileSync(bundle).subarray(0, 5000));
    const cases: [string, RegExp][] = [
      [text, /not a readable bundle: not a gzip file/],
      [notTar, /not a readable bundle: not a valid tar archive \(TAR_ENTRY_INVALID/],
      [truncated, /not a readable bundle: not a readable gzip file \(unexpected end of file\)/],
      [bundleOf(good.filter((e) => e.path !== MANIFEST_PATH), { manifest: false }), /^PROBLEM: MANIFEST.json is missing$/m],
      [bundleOf(editText(good, MANIFEST_PATH, () => '{"files": '), { manifest: false }), /MANIFEST.json: not valid JSON/],
      [bundleOf(editText(good, META, () => '{ not json')), /bundle.json: not valid JSON/],
      [bundleOf(editJson(good, META, (d) => (d.suite.version = 10))), /bundle.json: unexpected shape at \/suite\/version: must be string/],
      [bundleOf(editJson(good, CERT, (d) => (d.behaviours = 'all passed'))), /certification.json: unexpected shape at \/behaviours: must be array/],
      [bundleOf(editJson(good, SUMMARY, (d) => (d.behaviours[3].tests[0].outcome = 'great'))), /summary.json: unexpected shape at \/behaviours\/3\/tests\/0\/outcome: must be equal to one of the allowed values/],
      [bundleOf(good.filter((e) => e.path !== SUMMARY)), /summary.json is missing/],
      [bundleOf(editText(good, JUNIT, (x) => x.replace('</testsuites>', ''))), /junit.xml: not well-formed XML/],
      [bundleOf(editText(good, allureResults(good)[0]!, () => '[1, 2]')), /allure-results\/.*-result.json: unexpected shape at \(top\): must be object/],
    ];
    // through the CLI for a few (exit status, output), in this process for the rest (the same function)
    for (const [file, message] of cases.slice(0, 3)) {
      const run = await runCli(['verify', file, '--allow-unsigned']);
      expect(run.code, `${file}: ${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stdout, file).toMatch(message);
      expectOneLinePerProblem(run);
    }
    for (const [file, message] of cases.slice(3)) {
      const { problems } = await verifyBundle(file, { allowUnsigned: true });
      expect(problems.map((p) => `PROBLEM: ${p}`).join('\n'), file).toMatch(message);
      for (const p of problems) expect(p).not.toMatch(/\n/);
    }
  });

  test.each([
    [['verify', '/nonexistent/bundle.tar.gz'], /configuration error: verify: \/nonexistent\/bundle.tar.gz does not exist/],
    [['verify'], /configuration error: verify: usage: metaconform verify/],
    [['verify', 'x.tar.gz', '--frobnicate'], /--frobnicate: unknown option/],
  ])('%j is a usage error: one line, exit 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n').length).toBe(1);
  });

  test('an unreadable or non-Ed25519 public key is a usage error (exit 2)', async () => {
    const notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    const run = await runCli(['verify', bundle, '--pubkey', notKey]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/configuration error: --pubkey: .* is not a PEM public key/);
  });
});

describe('tampering, property-based', () => {
  type Where = 'cert' | 'summary' | 'junit' | 'allure';
  const PATHS: Record<Exclude<Where, 'allure'>, string> = { cert: CERT, summary: SUMMARY, junit: JUNIT };
  const LEVELS = ['required', 'advisory', 'informational'];
  const ALLURE = ['passed', 'failed', 'broken', 'skipped'];
  const other = <T>(list: readonly T[], current: T, pick: number): T => list.filter((x) => x !== current)[pick % (list.length - 1)]!;

  /** Replaces the n-th (mod count) match of a regexp in a text with what `by` makes of it. */
  function nth(text: string, re: RegExp, i: number, by: (match: string) => string): string {
    const matches = [...text.matchAll(re)];
    const m = matches[i % matches.length]!;
    return text.slice(0, m.index) + by(m[0]) + text.slice(m.index + m[0].length);
  }

  type Semantic =
    | { kind: 'status'; where: Where; i: number; pick: number }
    | { kind: 'level'; where: Where; i: number; pick: number }
    | { kind: 'version'; where: 'meta' | 'cert' | 'summary'; version: string }
    | { kind: 'duplicate'; where: Where; i: number };

  const semantic: fc.Arbitrary<Semantic> = fc.oneof(
    fc.record({ kind: fc.constant('status' as const), where: fc.constantFrom<Where>('cert', 'summary', 'junit', 'allure'), i: fc.nat(), pick: fc.nat() }),
    fc.record({ kind: fc.constant('level' as const), where: fc.constantFrom<Where>('cert', 'summary', 'junit', 'allure'), i: fc.nat(), pick: fc.nat() }),
    fc.record({ kind: fc.constant('version' as const), where: fc.constantFrom('meta' as const, 'cert' as const, 'summary' as const), version: fc.oneof(fc.constantFrom('0.0.9', '0.1.1', '1.0.0', ''), fc.string({ maxLength: 12 })).filter((v) => !Object.hasOwn(releasedCatalogues(), v)) }),
    fc.record({ kind: fc.constant('duplicate' as const), where: fc.constantFrom<Where>('cert', 'summary', 'junit', 'allure'), i: fc.nat() }),
  );

  function applySemantic(entries: Entry[], op: Semantic): Entry[] {
    if (op.kind === 'version') {
      if (op.where === 'meta') return editJson(entries, META, (d) => (d.suite.version = op.version));
      if (op.where === 'cert') return editJson(entries, CERT, (d) => (d.suite.version = op.version));
      return editJson(entries, SUMMARY, (d) => (d.suiteVersion = op.version));
    }
    if (op.where === 'allure') {
      const file = allureResults(entries)[op.i % allureResults(entries).length]!;
      if (op.kind === 'duplicate') return [...entries, { ...entries.find((e) => e.path === file)!, path: file.replace(/[0-9a-f]{8}-/, 'ffffffff-') }];
      return editJson(entries, file, (d) => {
        if (op.kind === 'status') d.status = other(ALLURE, d.status, op.pick);
        else for (const l of d.labels) if (l.name === 'level') l.value = other(LEVELS, l.value, op.pick);
      });
    }
    if (op.where === 'junit') {
      return editText(entries, JUNIT, (xml) => {
        if (op.kind === 'status') return nth(xml, /<property name="status" value="[a-z-]+"\/>/g, op.i, (m) => `<property name="status" value="${other(STATUSES, m.split('"')[3]!, op.i)}"/>`);
        if (op.kind === 'level') return nth(xml, /<property name="level" value="[a-z]+"\/>/g, op.i, (m) => `<property name="level" value="${other(LEVELS, m.split('"')[3]!, op.pick)}"/>`);
        return nth(xml, /<testcase [^]*?<\/testcase>/g, op.i, (m) => `${m}\n    ${m}`);
      });
    }
    return editJson(entries, PATHS[op.where], (d) => {
      const list = d.behaviours as { status: string; level: string }[];
      const i = op.i % list.length;
      if (op.kind === 'status') list[i]!.status = other(STATUSES, list[i]!.status, op.pick);
      else if (op.kind === 'level') list[i]!.level = other(LEVELS, list[i]!.level, op.pick);
      else list.splice(i, 0, { ...list[i]!, status: op.i % 2 ? 'failed' : list[i]!.status });
    });
  }

  type Tamper =
    | { kind: 'flip'; i: number; offset: number; xor: number }
    | { kind: 'semantic'; op: Semantic }
    | { kind: 'add'; name: string; content: string }
    | { kind: 'remove'; i: number }
    | { kind: 'rename'; i: number; name: string }
    | { kind: 'duplicate'; i: number }
    | { kind: 'symlink'; name: string; target: string };

  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}\.(json|xml|txt)$/);
  const tamper: fc.Arbitrary<Tamper> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), i: fc.nat(), offset: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('semantic' as const), op: semantic }),
    fc.record({ kind: fc.constant('add' as const), name, content: fc.string({ maxLength: 50 }) }),
    fc.record({ kind: fc.constant('remove' as const), i: fc.nat() }),
    fc.record({ kind: fc.constant('rename' as const), i: fc.nat(), name }),
    fc.record({ kind: fc.constant('duplicate' as const), i: fc.nat() }),
    fc.record({ kind: fc.constant('symlink' as const), name, target: fc.constantFrom('/etc/passwd', '../summary.json', 'summary.json') }),
  );

  function applyTamper(entries: Entry[], t: Tamper): Entry[] {
    const fileIndexes = entries.map((e, i) => (e.type === 'File' ? i : -1)).filter((i) => i >= 0);
    const pick = (i: number) => fileIndexes[i % fileIndexes.length]!;
    switch (t.kind) {
      case 'flip':
        return entries.map((e, j) => {
          if (j !== pick(t.i) || !e.data.length) return e;
          const data = Buffer.from(e.data);
          data[t.offset % data.length] = data[t.offset % data.length]! ^ t.xor;
          return { ...e, data };
        });
      case 'semantic':
        return applySemantic(entries, t.op);
      case 'add':
        return [...entries, { path: `bundle/${t.name}`, type: 'File', data: Buffer.from(t.content) }];
      case 'remove':
        return entries.filter((_, j) => j !== pick(t.i));
      case 'rename':
        return entries.map((e, j) => (j === pick(t.i) ? { ...e, path: `bundle/${t.name}` } : e));
      case 'duplicate':
        return [...entries, entries[pick(t.i)]!];
      case 'symlink':
        return [...entries, { path: `bundle/${t.name}`, type: 'SymbolicLink', data: Buffer.alloc(0), linkpath: t.target }];
    }
  }

  /** The same entries, in any order: a bundle whose entries only moved (e.g. a duplicated manifest, rewritten) is not tampered. */
  const byPath = (list: readonly Entry[]) => [...list].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const sameAs = (a: readonly Entry[], b: readonly Entry[]) => {
    const [x, y] = [byPath(a), byPath(b)];
    return x.length === y.length && x.every((e, i) => e.path === y[i]!.path && e.type === y[i]!.type && e.data.equals(y[i]!.data) && e.linkpath === y[i]!.linkpath);
  };

  test('any tampering of a signed bundle (bytes, statuses, levels, versions, entries, links; manifest rewritten or not) never verifies with the vendor key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tamper, { minLength: 1, maxLength: 3 }), fc.boolean(), async (tampers, rewrite) => {
        let entries = good;
        for (const t of tampers) entries = applyTamper(entries, t);
        if (rewrite) entries = withManifest(entries);
        fc.pre(!sameAs(entries, good));
        const result = await verifyBundle(bundleOf(entries, { manifest: false }), { pubkey: vendor.pub });
        expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 40, examples: [[[{ kind: 'duplicate', i: 0 }], true]] },
    );
  });

  test('semantic tampering (statuses, levels, versions, duplicates) is rejected even with a rewritten manifest and --allow-unsigned', async () => {
    await fc.assert(
      fc.asyncProperty(semantic, async (op) => {
        const entries = applySemantic(good, op);
        const result = await verifyBundle(bundleOf(entries), { allowUnsigned: true });
        expect(result.problems.length, JSON.stringify(op)).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });
});

import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { BUNDLE_CATALOGUE, BUNDLE_META, MANIFEST, verifyBundle } from '../cli/bundle.ts';
import { runCli, tempDir } from './helpers/cli.ts';

let bundle: string;
let pubkey: string;
let otherPubkey: string;

function keyPair(dir: string, name: string): { priv: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

/** Unpacks the bundle, lets `edit` change it, optionally rewrites the manifest to match, and packs it again. */
function tampered(edit: (root: string) => void, rewriteManifest: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-tamper-'));
  expect(spawnSync('tar', ['-xzf', bundle, '-C', dir]).status).toBe(0);
  const root = join(dir, 'bundle');
  edit(root);
  if (rewriteManifest) {
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile() && f !== MANIFEST && !f.endsWith('.sig'));
    const entries = files.sort().map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]);
    writeFileSync(join(root, MANIFEST), `${JSON.stringify({ files: Object.fromEntries(entries) }, null, 2)}\n`);
  }
  const out = join(dir, 'tampered.tar.gz');
  expect(spawnSync('tar', ['-czf', out, '-C', dir, 'bundle']).status).toBe(0);
  return out;
}

function editJson(path: string, change: (doc: Record<string, unknown>) => void): void {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(doc);
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
}

beforeAll(async () => {
  const dir = tempDir('certify');
  const keys = keyPair(dir, 'vendor');
  pubkey = keys.pub;
  otherPubkey = keyPair(dir, 'other').pub;
  bundle = join(dir, 'bundle.tar.gz');
  const run = await runCli(['certify', '--sign', keys.priv, '--out', bundle]);
  expect(run.code, run.stdout.slice(-800) + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/certification bundle written to .*\(manifest signed\)/);
});

describe('certify and verify', () => {
  test('certify refuses selection, expectations and retries', async () => {
    for (const args of [['--behaviour', 'SM-KEY-*'], ['--tag', 'core'], ['--expectations', 'x.yaml'], ['--retries', '1']]) {
      const run = await runCli(['certify', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is refused by certify/);
    }
  });

  test('a clean, signed bundle verifies (also through the CLI)', async () => {
    expect(verifyBundle(bundle, pubkey)).toEqual({ problems: [], notes: [] });
    const run = await runCli(['verify', bundle, '--pubkey', pubkey]);
    expect([run.code, run.stdout.trim().split('\n').pop()]).toEqual([0, 'verify: OK — manifest intact, catalogue unchanged, every required behaviour present and passed, nothing applied']);
  });

  test('an edited result is caught by the manifest', () => {
    const out = tampered((root) => editJson(join(root, 'certification.json'), (d) => ((d.behaviours as { status: string }[])[0]!.status = 'not-applicable')), false);
    expect(verifyBundle(out).problems).toContain('certification.json: altered (SHA-256 differs from the manifest)');
  });

  test('a removed behaviour is caught even with a rewritten manifest', () => {
    const out = tampered((root) => editJson(join(root, 'certification.json'), (d) => (d.behaviours = (d.behaviours as { id: string }[]).filter((b) => b.id !== 'SM-REPLACE-001'))), true);
    expect(verifyBundle(out).problems).toContain('SM-REPLACE-001: required behaviour missing from the results');
  });

  test('a changed catalogue is caught, even with its digest and the manifest rewritten', () => {
    const out = tampered((root) => {
      const cat = JSON.parse(readFileSync(join(root, BUNDLE_CATALOGUE), 'utf8')) as { id: string }[];
      const text = `${JSON.stringify(cat.filter((b) => b.id !== 'SM-KEY-001'), null, 2)}\n`;
      writeFileSync(join(root, BUNDLE_CATALOGUE), text);
      editJson(join(root, BUNDLE_META), (d) => (d.catalogueSha256 = createHash('sha256').update(text).digest('hex')));
    }, true);
    expect(verifyBundle(out).problems.join('\n')).toMatch(/catalogue.json: differs from the catalogue of metaconform/);
  });

  test('a rewritten manifest breaks the signature', () => {
    const out = tampered((root) => editJson(join(root, 'certification.json'), (d) => (d.verdict = 'CONFORMANT')), true);
    expect(verifyBundle(out).problems).toEqual([]);
    expect(verifyBundle(out, pubkey).problems).toContain('the manifest signature does not verify with the given public key');
    expect(verifyBundle(bundle, otherPubkey).problems).toContain('the manifest signature does not verify with the given public key');
  });

  test('a recorded selection or expectations file is rejected', () => {
    const out = tampered((root) => editJson(join(root, BUNDLE_META), (d) => ((d.applied as Record<string, unknown>).selection = 'PARTIAL RUN: 3 of 91')), true);
    expect(verifyBundle(out).problems.join('\n')).toMatch(/a selection, expectations or retries were applied/);
  });

  test('a failing required behaviour is rejected', () => {
    const out = tampered((root) => editJson(join(root, 'certification.json'), (d) => ((d.behaviours as { id: string; status: string }[]).find((b) => b.id === 'SM-MERGE-001')!.status = 'failed')), true);
    expect(verifyBundle(out).problems).toContain('SM-MERGE-001: required behaviour failed');
  });
});

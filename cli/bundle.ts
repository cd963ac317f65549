import { createHash, createPrivateKey, createPublicKey, sign, verify as verifySignature } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { appliesTo, CATALOGUE } from '../catalogue/index.ts';
import { getProfile } from '../profiles/index.ts';
import { ConfigError } from '../lib/errors.ts';
import { PACKAGE_ROOT, RESULT_FILES, suiteVersion } from './paths.ts';

export const MANIFEST = 'MANIFEST.json';
export const SIGNATURE = 'MANIFEST.json.sig';
export const BUNDLE_META = 'bundle.json';
export const BUNDLE_CATALOGUE = 'catalogue.json';

/** What a certification run applied: a certifiable bundle has the full catalogue, no expectations, no retries. */
export interface BundleMeta {
  suite: { name: 'metaconform'; version: string; commit?: string };
  profile: string;
  catalogueSha256: string;
  applied: { selection: string; expectations: null; retries: 0 };
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function catalogueJson(): string {
  return `${JSON.stringify(CATALOGUE, null, 2)}\n`;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort();
}

function gitCommit(): string | undefined {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Writes the certification bundle (a .tar.gz) from a results folder of a full run; signs its manifest if a key is given. */
export function writeBundle(resultsDir: string, profile: string, out: string, keyFile?: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-bundle-'));
  const root = join(dir, 'bundle');
  mkdirSync(root);
  for (const name of [RESULT_FILES.certification, RESULT_FILES.certificationText, RESULT_FILES.junit, RESULT_FILES.summary, RESULT_FILES.allure]) {
    if (existsSync(join(resultsDir, name))) cpSync(join(resultsDir, name), join(root, name), { recursive: true });
  }
  const catalogue = catalogueJson();
  writeFileSync(join(root, BUNDLE_CATALOGUE), catalogue);
  const commit = gitCommit();
  const meta: BundleMeta = {
    suite: { name: 'metaconform', version: suiteVersion(), ...(commit ? { commit } : {}) },
    profile,
    catalogueSha256: sha256(catalogue),
    applied: { selection: 'full catalogue', expectations: null, retries: 0 },
  };
  writeFileSync(join(root, BUNDLE_META), `${JSON.stringify(meta, null, 2)}\n`);
  const manifest = `${JSON.stringify({ files: Object.fromEntries(files(root).map((f) => [f, sha256(readFileSync(join(root, f)))])) }, null, 2)}\n`;
  writeFileSync(join(root, MANIFEST), manifest);
  if (keyFile) {
    let key;
    try {
      key = createPrivateKey(readFileSync(keyFile));
    } catch (e) {
      throw new ConfigError('--sign', `cannot read an Ed25519 private key from ${keyFile}: ${(e as Error).message}`);
    }
    writeFileSync(join(root, SIGNATURE), sign(null, Buffer.from(manifest), key).toString('base64'));
  }
  const tar = spawnSync('tar', ['-czf', out, '-C', dir, 'bundle']);
  rmSync(dir, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
}

/**
 * Checks a bundle offline: every file against the manifest (nothing added, removed or altered), the signature
 * when a public key is given, the catalogue against this suite's, that every required behaviour of the profile
 * is present and passed, and that nothing (selection, expectations, retries) was applied. Returns the problems.
 */
export function verifyBundle(bundle: string, pubkeyFile?: string): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-verify-'));
  try {
    const tar = spawnSync('tar', ['-xzf', bundle, '-C', dir]);
    if (tar.status !== 0) return { problems: [`not a readable bundle: ${tar.stderr.toString().trim()}`], notes };
    const root = join(dir, 'bundle');
    if (!existsSync(join(root, MANIFEST))) return { problems: [`${MANIFEST} is missing`], notes };
    const manifestText = readFileSync(join(root, MANIFEST), 'utf8');
    const listed = (JSON.parse(manifestText) as { files: Record<string, string> }).files;
    const present = files(root).filter((f) => f !== MANIFEST && f !== SIGNATURE);
    for (const f of present) {
      if (!(f in listed)) problems.push(`${f}: not in the manifest (added)`);
      else if (sha256(readFileSync(join(root, f))) !== listed[f]) problems.push(`${f}: altered (SHA-256 differs from the manifest)`);
    }
    for (const f of Object.keys(listed)) if (!present.includes(f)) problems.push(`${f}: listed in the manifest but missing`);
    if (pubkeyFile) {
      if (!existsSync(join(root, SIGNATURE))) problems.push('the bundle is not signed');
      else if (!verifySignature(null, Buffer.from(manifestText), createPublicKey(readFileSync(pubkeyFile)), Buffer.from(readFileSync(join(root, SIGNATURE), 'utf8'), 'base64'))) {
        problems.push('the manifest signature does not verify with the given public key');
      }
    } else notes.push(existsSync(join(root, SIGNATURE)) ? 'signed, but no --pubkey given: signature not checked' : 'unsigned bundle');
    const meta = JSON.parse(readFileSync(join(root, BUNDLE_META), 'utf8')) as BundleMeta;
    const catalogue = readFileSync(join(root, BUNDLE_CATALOGUE), 'utf8');
    if (sha256(catalogue) !== meta.catalogueSha256) problems.push(`${BUNDLE_CATALOGUE}: does not match the digest in ${BUNDLE_META}`);
    if (meta.suite.version === suiteVersion() && sha256(catalogue) !== sha256(catalogueJson())) problems.push(`${BUNDLE_CATALOGUE}: differs from the catalogue of metaconform ${suiteVersion()}`);
    if (meta.suite.version !== suiteVersion()) notes.push(`made with metaconform ${meta.suite.version}, verified with ${suiteVersion()}: the catalogue is checked against its own digest only`);
    if (meta.applied.selection !== 'full catalogue' || meta.applied.expectations !== null || meta.applied.retries !== 0) problems.push(`a selection, expectations or retries were applied: ${JSON.stringify(meta.applied)}`);
    const cert = JSON.parse(readFileSync(join(root, RESULT_FILES.certification), 'utf8')) as { profile: string; selection?: string; expectations?: string | null; behaviours: { id: string; level: string; status: string }[] };
    if (cert.profile !== meta.profile) problems.push(`certification.json names profile '${cert.profile}', ${BUNDLE_META} '${meta.profile}'`);
    if (cert.selection !== 'full catalogue' || (cert.expectations ?? null) !== null) problems.push(`certification.json records a partial run or expectations (${cert.selection}; ${cert.expectations})`);
    const results = new Map(cert.behaviours.map((b) => [b.id, b.status]));
    const profile = getProfile(meta.profile);
    for (const b of (JSON.parse(catalogue) as typeof CATALOGUE).filter((x) => x.level === 'required' && appliesTo(x, profile.name))) {
      const status = results.get(b.id);
      if (status === undefined) problems.push(`${b.id}: required behaviour missing from the results`);
      else if (status === 'not-applicable') notes.push(`${b.id}: required behaviour not applicable to this target (see certification.md for the reason)`);
      else if (status !== 'passed') problems.push(`${b.id}: required behaviour ${status}`);
    }
    return { problems, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function relativeTo(path: string): string {
  return relative(process.cwd(), path) || path;
}

import { createHash, createPrivateKey, createPublicKey, sign, verify as verifySignature, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CATALOGUE } from '../catalogue/index.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { BUNDLE_ROOT, BundleError, entryPath, readBundleArchive, writeBundleArchive } from './bundle-archive.ts';
import { checkResults, FILES, readCatalogue, readJson, type Meta } from './bundle-checks.ts';
import { PACKAGE_ROOT, RESULT_FILES, suiteVersion } from './paths.ts';

export const MANIFEST = 'MANIFEST.json';
export const SIGNATURE = 'MANIFEST.json.sig';
export const BUNDLE_META = FILES.meta;
export const BUNDLE_CATALOGUE = FILES.catalogue;

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

/** catalogue/released.json: the SHA-256 of catalogueJson() of every released version; the verifier's authority. */
export const RELEASED_FILE = join(PACKAGE_ROOT, 'catalogue', 'released.json');

export function releasedCatalogues(): Readonly<Record<string, string>> {
  return JSON.parse(readFileSync(RELEASED_FILE, 'utf8')) as Record<string, string>;
}

/** Regular files below a folder (relative, sorted); anything else (a link, a device) is refused. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => {
      const s = lstatSync(join(dir, f));
      if (!s.isFile() && !s.isDirectory()) throw new Error(`${join(dir, f)} is neither a file nor a folder: a bundle holds nothing else`);
      return s.isFile();
    })
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
  try {
    const root = join(dir, BUNDLE_ROOT);
    mkdirSync(root);
    for (const name of [RESULT_FILES.certification, RESULT_FILES.certificationText, RESULT_FILES.junit, RESULT_FILES.summary, RESULT_FILES.allure]) {
      if (existsSync(join(resultsDir, name))) cpSync(join(resultsDir, name), join(root, name), { recursive: true, dereference: true });
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
      if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError('--sign', `${keyFile} holds a ${key.asymmetricKeyType} key, not Ed25519`);
      writeFileSync(join(root, SIGNATURE), sign(null, Buffer.from(manifest), key).toString('base64'));
    }
    writeBundleArchive(dir, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface VerifyOptions {
  /** The vendor's Ed25519 public key (PEM): the manifest's signature must verify with it. */
  pubkey?: string;
  /** Accept a bundle whose signature is not checked (unsigned, or no --pubkey given). */
  allowUnsigned?: boolean;
}

export interface Verification {
  problems: string[];
  notes: string[];
  /** verified: with the given key; unchecked: accepted by --allow-unsigned (unsigned, or no key given). */
  signature: 'verified' | 'unchecked' | 'rejected';
}

function loadPublicKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (e) {
    throw new ConfigError('--pubkey', `cannot read a public key from ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError('--pubkey', `${file} holds a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

const SIGNATURE_TEXT = /^[A-Za-z0-9+/]{86}==$/;

/** The manifest's files and digests, or why it is refused. */
function readManifest(raw: Buffer | undefined): Map<string, string> | string {
  if (!raw) return `${MANIFEST} is missing`;
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return `${MANIFEST}: not valid JSON (${(e as Error).message})`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || Object.keys(doc).join() !== 'files') return `${MANIFEST}: must be {"files": {path: sha256}}`;
  const listed = (doc as { files: unknown }).files;
  if (typeof listed !== 'object' || listed === null || Array.isArray(listed)) return `${MANIFEST}: "files" must map paths to SHA-256 digests`;
  const out = new Map<string, string>();
  for (const [path, digest] of Object.entries(listed)) {
    const where = entryPath(`${BUNDLE_ROOT}/${path}`, false);
    if ('refused' in where || where.path !== path || path === MANIFEST || path === SIGNATURE) return `${MANIFEST}: lists an unacceptable path ${JSON.stringify(path.slice(0, 120))}`;
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) return `${MANIFEST}: the digest of ${path} is not a SHA-256`;
    out.set(path, digest);
  }
  return out;
}

/**
 * Checks a bundle offline. The archive is read into memory within bounds (bundle-archive.ts); every file
 * against the manifest; the manifest's signature with the vendor's key (or, with --allow-unsigned only, not);
 * the suite version and its catalogue against this verifier's list of released catalogues; then every result
 * file against the others and the judgement (bundle-checks.ts). A usage error (no such bundle, an unreadable
 * key) throws ConfigError; anything wrong with the bundle is a problem, one line each.
 */
export async function verifyBundle(bundle: string, opts: VerifyOptions = {}): Promise<Verification> {
  if (!existsSync(bundle) || !statSync(bundle).isFile()) throw new ConfigError('verify', `${bundle}: no such bundle file`);
  const key = opts.pubkey === undefined ? undefined : loadPublicKey(opts.pubkey);
  const problems: string[] = [];
  const notes: string[] = [];
  let signature: Verification['signature'] = 'rejected';
  try {
    const archive = await readBundleArchive(bundle);
    const manifest = readManifest(archive.get(MANIFEST));
    if (typeof manifest === 'string') return { problems: [manifest], notes, signature };
    const present = [...archive.keys()].filter((f) => f !== MANIFEST && f !== SIGNATURE).sort();
    for (const f of present) {
      if (!manifest.has(f)) problems.push(`${f}: not in the manifest (added)`);
      else if (sha256(archive.get(f)!) !== manifest.get(f)) problems.push(`${f}: altered (SHA-256 differs from the manifest)`);
    }
    for (const f of manifest.keys()) if (!archive.has(f)) problems.push(`${f}: listed in the manifest but missing`);

    const sig = archive.get(SIGNATURE);
    if (key) {
      const text = sig?.toString('latin1') ?? '';
      if (!sig) problems.push(`the bundle is not signed (no ${SIGNATURE}), but --pubkey asks for a signature`);
      else if (!SIGNATURE_TEXT.test(text) || !verifySignature(null, archive.get(MANIFEST)!, key, Buffer.from(text, 'base64'))) problems.push('the manifest signature does not verify with the given public key');
      else signature = 'verified';
    } else if (!opts.allowUnsigned) {
      problems.push(sig ? 'the signature was not checked: give the vendor\'s key with --pubkey (or accept an unproven origin with --allow-unsigned)' : 'the bundle is unsigned: nothing proves who made it (accept that explicitly with --allow-unsigned)');
    } else {
      signature = 'unchecked';
      notes.push(sig ? 'signed, but no --pubkey given: signature NOT checked (--allow-unsigned)' : 'unsigned bundle accepted by --allow-unsigned: nothing proves who made it');
    }

    // the verifier's own list of released catalogues is the authority for levels and profiles
    const metaProblems: string[] = [];
    const meta = readJson<Meta>(archive, BUNDLE_META, 'meta', metaProblems);
    if (!meta) return { problems: [...problems, ...metaProblems], notes, signature };
    const released = releasedCatalogues();
    const version = meta.suite.version;
    if (!Object.hasOwn(released, version)) {
      problems.push(`${BUNDLE_META}: metaconform ${version} is not a released version this verifier knows (${Object.keys(released).join(', ')}); nothing in the bundle can be judged`);
      return { problems, notes, signature };
    }
    const catalogueRaw = archive.get(BUNDLE_CATALOGUE);
    if (!catalogueRaw || sha256(catalogueRaw) !== released[version]) {
      problems.push(`${BUNDLE_CATALOGUE}: ${catalogueRaw ? 'differs from' : 'missing; cannot check'} the released catalogue of metaconform ${version}; nothing in the bundle can be judged`);
      return { problems, notes, signature };
    }
    if (meta.catalogueSha256 !== released[version]) problems.push(`${BUNDLE_META}: catalogueSha256 does not match ${BUNDLE_CATALOGUE}`);
    const catalogue = readCatalogue(archive, problems);
    if (!catalogue) return { problems, notes, signature };
    const checked = checkResults(archive, meta, catalogue);
    problems.push(...checked.problems);
    notes.push(...checked.notes);
  } catch (e) {
    // fail closed, in one line: a bundle that cannot be read is rejected, never a stack trace
    problems.push(e instanceof BundleError ? `not a readable bundle: ${e.message}` : `the bundle could not be checked: ${(e as Error)?.message ?? String(e)}`);
  }
  return { problems, notes, signature };
}

/** One line for the terminal: no control or bidirectional characters, bounded length. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
  return flat.length > 400 ? `${flat.slice(0, 399)}…` : flat;
}

/** `metaconform verify`: prints notes, one line per problem and the outcome; exit 0 (OK) or 1 (rejected). */
export async function runVerify(bundle: string, opts: VerifyOptions, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { problems, notes, signature } = await verifyBundle(bundle, opts);
  for (const n of notes) log(oneLine(`note: ${n}`));
  for (const p of problems) log(oneLine(`PROBLEM: ${p}`));
  if (problems.length) {
    log(`verify: REJECTED (${problems.length} problem(s))`);
    return EXIT.NON_CONFORMANT;
  }
  const what = 'manifest intact, catalogue as released, certification, summary, JUnit and Allure results agree, every required behaviour present and passed, nothing applied';
  log(signature === 'verified' ? `verify: OK — signature verified, ${what}` : `verify: OK (UNSIGNED: signature not checked, accepted by --allow-unsigned) — ${what}`);
  return EXIT.CONFORMANT;
}

export function relativeTo(path: string): string {
  return relative(process.cwd(), path) || path;
}

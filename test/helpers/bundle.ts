import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Header, Parser, type ReadEntry } from 'tar';

/** One tar entry of a bundle as the tests see it: any type, any path (the tests build hostile archives too). */
export interface Entry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  data: Buffer;
  linkpath?: string;
}

export const MANIFEST_PATH = 'bundle/MANIFEST.json';
export const SIGNATURE_PATH = 'bundle/MANIFEST.json.sig';

export function keyPair(dir: string, name: string): { priv: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

/** Every entry of a .tar.gz, in order (no bounds: for the suite's own bundles). */
export function unpack(gz: Buffer): Entry[] {
  const entries: Entry[] = [];
  const parser = new Parser({ strict: true });
  parser.on('entry', (e: ReadEntry) => {
    const chunks: Buffer[] = [];
    e.on('data', (c: Buffer) => chunks.push(c));
    e.on('end', () => entries.push({ path: e.path, type: e.type as Entry['type'], data: Buffer.concat(chunks), ...(e.linkpath ? { linkpath: e.linkpath } : {}) }));
  });
  parser.write(gunzipSync(gz));
  parser.end();
  return entries;
}

/** A .tar.gz of exactly these entries (ustar headers written with node-tar's Header). */
export function pack(entries: readonly Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const header = Buffer.alloc(512);
    const size = e.type === 'File' ? e.data.length : 0;
    new Header({ path: e.path, mode: e.type === 'Directory' ? 0o755 : 0o644, size, type: e.type, mtime: new Date(0), uid: 0, gid: 0, ...(e.linkpath ? { linkpath: e.linkpath } : {}) }).encode(header, 0);
    blocks.push(header);
    if (size) blocks.push(e.data, Buffer.alloc((512 - (size % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 1 });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The entries with MANIFEST.json recomputed over their files (the signature, if any, is left as it was). */
export function withManifest(entries: readonly Entry[]): Entry[] {
  const files = new Map<string, string>();
  for (const e of entries) if (e.type === 'File' && e.path.startsWith('bundle/') && e.path !== MANIFEST_PATH && e.path !== SIGNATURE_PATH) files.set(e.path.slice('bundle/'.length), sha256(e.data));
  const manifest = Buffer.from(`${JSON.stringify({ files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))) }, null, 2)}\n`);
  const out = entries.filter((e) => e.path !== MANIFEST_PATH);
  return [...out, { path: MANIFEST_PATH, type: 'File', data: manifest }];
}

/** The entries with the manifest signed again by a private key (a vendor signing a forged bundle). */
export function signedWith(entries: readonly Entry[], privateKeyFile: string): Entry[] {
  const manifest = entries.find((e) => e.path === MANIFEST_PATH)!.data;
  const sig = Buffer.from(sign(null, manifest, createPrivateKey(readFileSync(privateKeyFile))).toString('base64'));
  return [...entries.filter((e) => e.path !== SIGNATURE_PATH), { path: SIGNATURE_PATH, type: 'File', data: sig }];
}

export function json(entries: readonly Entry[], path: string): unknown {
  return JSON.parse(entries.find((e) => e.path === path)!.data.toString('utf8'));
}

/** The entries with one JSON file changed by `change`. */
export function editJson(entries: readonly Entry[], path: string, change: (doc: any) => void): Entry[] {
  return entries.map((e) => {
    if (e.path !== path) return e;
    const doc = JSON.parse(e.data.toString('utf8')) as unknown;
    change(doc);
    return { ...e, data: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`) };
  });
}

/** The entries with one text file changed by `change`. */
export function editText(entries: readonly Entry[], path: string, change: (text: string) => string): Entry[] {
  return entries.map((e) => (e.path === path ? { ...e, data: Buffer.from(change(e.data.toString('utf8'))) } : e));
}

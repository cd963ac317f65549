import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { create, Parser, type ReadEntry } from 'tar';

/**
 * Reading a certification bundle (a .tar.gz) safely, into memory, with node-tar: nothing is extracted to disk
 * and nothing is followed. Only regular files and folders under `bundle/` are accepted; a symbolic or hard
 * link, a device, a FIFO, an absolute path, a `..` or empty segment, a path seen twice, or an archive over any
 * bound is refused, and reading stops at the first bound exceeded (a small gzip bomb is refused after at most
 * MAX_TAR_BYTES of output, in memory of the same order).
 */
export const BUNDLE_ROOT = 'bundle';

export interface ArchiveLimits {
  /** Size of the .tar.gz file itself. */
  maxCompressedBytes: number;
  /** Entries (files and folders). */
  maxEntries: number;
  /** Size of one file. */
  maxFileBytes: number;
  /** Sum of the files' sizes. */
  maxTotalBytes: number;
}

export const LIMITS: ArchiveLimits = {
  maxCompressedBytes: 32 * 1024 * 1024,
  maxEntries: 20_000,
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
};

/** A bundle that cannot be read safely; the message is one line. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** Every tar header, padding and end block allowed on top of the files' bytes. */
function maxTarBytes(limits: ArchiveLimits): number {
  return limits.maxTotalBytes + (limits.maxEntries + 4) * 1024 + 10240;
}

const SEGMENT = /^[A-Za-z0-9._@+=,~-][A-Za-z0-9 ._@+=,~()[\]-]*$/;

/** The path inside `bundle/`, or why an entry's path is refused. */
export function entryPath(raw: string, isDir: boolean): { path: string } | { refused: string } {
  const shown = JSON.stringify(raw.slice(0, 120));
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.startsWith('\\')) return { refused: `absolute path ${shown}` };
  if (raw.includes('\\')) return { refused: `backslash in path ${shown}` };
  const trimmed = isDir && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const segments = trimmed.split('/');
  if (segments.some((s) => s === '..')) return { refused: `'..' in path ${shown}` };
  if (segments.some((s) => s === '' || s === '.')) return { refused: `empty or '.' segment in path ${shown}` };
  if (segments[0] !== BUNDLE_ROOT) return { refused: `path outside ${BUNDLE_ROOT}/: ${shown}` };
  if (segments.slice(1).some((s) => !SEGMENT.test(s))) return { refused: `unexpected characters in path ${shown}` };
  return { path: segments.slice(1).join('/') };
}

/**
 * The files of a bundle archive, by path relative to `bundle/`. Throws BundleError (one line) for anything
 * that is not a plain, bounded gzip'd tar of regular files and folders.
 */
export function readBundleArchive(file: string, limits: ArchiveLimits = LIMITS): Promise<Map<string, Buffer>> {
  const size = statSync(file).size;
  if (size > limits.maxCompressedBytes) return Promise.reject(new BundleError(`the archive is ${size} bytes, more than the ${limits.maxCompressedBytes} a bundle may have`));
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    const folders = new Set<string>();
    const source = createReadStream(file);
    const gunzip = createGunzip();
    const parser = new Parser({ strict: true, brotli: false, zstd: false });
    let settled = false;
    let entries = 0;
    let declared = 0;
    let tarBytes = 0;
    let head: Buffer | undefined = Buffer.alloc(0);
    // after the end-of-archive blocks only zero padding may follow; the parser is not fed it (it would keep it)
    let eof = false;
    const zeros = Buffer.alloc(64 * 1024);
    const open = new Set<string>();
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      source.destroy();
      gunzip.destroy();
      parser.abort(new Error(why));
      reject(new BundleError(why));
    };

    const onEntry = (entry: ReadEntry) => {
      if (settled) return entry.resume();
      if (++entries > limits.maxEntries) return fail(`more than ${limits.maxEntries} entries`);
      const type = entry.type;
      const isDir = type === 'Directory';
      if (type !== 'File' && type !== 'OldFile' && !isDir) return fail(`entry ${JSON.stringify(entry.path.slice(0, 120))} is a ${type}${entry.linkpath ? ` to ${JSON.stringify(entry.linkpath.slice(0, 120))}` : ''}: only regular files and folders are allowed`);
      const where = entryPath(entry.path, isDir);
      if ('refused' in where) return fail(`refused entry: ${where.refused}`);
      const path = where.path;
      if (files.has(path) || folders.has(path)) return fail(`the path ${JSON.stringify(entry.path.slice(0, 120))} occurs twice`);
      if (isDir) {
        folders.add(path);
        return entry.resume();
      }
      if (path === '') return fail(`${BUNDLE_ROOT} is a file`);
      const expected = entry.size ?? 0;
      if (expected > limits.maxFileBytes) return fail(`${path} is ${expected} bytes, more than the ${limits.maxFileBytes} a file may have`);
      declared += expected;
      if (declared > limits.maxTotalBytes) return fail(`the files add up to more than ${limits.maxTotalBytes} bytes`);
      const chunks: Buffer[] = [];
      let got = 0;
      files.set(path, Buffer.alloc(0));
      open.add(path);
      entry.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got > expected) return fail(`${path} holds more bytes than its header says`);
        chunks.push(chunk);
      });
      entry.on('end', () => {
        if (settled) return;
        if (got !== expected) return fail(`${path} is truncated (${got} of ${expected} bytes)`);
        files.set(path, Buffer.concat(chunks));
        open.delete(path);
      });
    };
    parser.on('entry', onEntry);
    parser.on('eof', () => (eof = true));
    parser.on('warn', (code: string, message: string | Error) => fail(`not a valid tar archive (${code}: ${String((message as Error)?.message ?? message).split('\n')[0]})`));
    parser.on('error', (e: Error & { code?: string }) => fail(`not a valid tar archive (${e.code ?? 'error'}: ${e.message.split('\n')[0]})`));

    const write = (chunk: Buffer) => {
      tarBytes += chunk.length;
      if (tarBytes > maxTarBytes(limits)) return fail(`the archive unpacks to more than ${maxTarBytes(limits)} bytes`);
      if (!eof) return void parser.write(chunk);
      for (let at = 0; at < chunk.length; at += zeros.length) {
        const part = chunk.subarray(at, at + zeros.length);
        if (!part.equals(zeros.subarray(0, part.length))) return fail('data after the end of the tar archive');
      }
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (head) {
        // the tar stream must not be compressed again (node-tar would decompress an inner layer unbounded)
        head = Buffer.concat([head, chunk]);
        if (head.length < 512) return;
        if ((head[0] === 0x1f && head[1] === 0x8b) || head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return fail('the archive holds a compressed stream, not a tar archive');
        const first = head;
        head = undefined;
        return write(first);
      }
      write(chunk);
    });
    gunzip.on('error', (e: Error & { code?: string }) => fail(e.code === 'Z_DATA_ERROR' && /header/.test(e.message) ? 'not a gzip file' : `not a readable gzip file (${e.message.split('\n')[0]})`));
    source.on('error', (e) => fail(`cannot read the archive: ${e.message.split('\n')[0]}`));
    gunzip.on('end', () => {
      if (settled) return;
      if (head) {
        if (head.length < 512) return fail('not a tar archive (shorter than one header)');
        write(head);
        head = undefined;
      }
      if (settled) return;
      parser.end();
      if (settled) return;
      if (tarBytes % 512 !== 0) return fail('not a tar archive (its length is not a whole number of blocks)');
      if (!eof) return fail('the tar archive is truncated (no end-of-archive blocks)');
      if (open.size) return fail(`truncated entries: ${[...open].slice(0, 3).join(', ')}`);
      if (!entries) return fail('the archive holds no entries');
      settled = true;
      resolve(files);
    });
    source.pipe(gunzip);
  });
}

/** Writes a folder's `bundle/` subfolder as a .tar.gz (portable: no owner, no host-specific metadata). */
export function writeBundleArchive(parent: string, out: string): void {
  create({ gzip: true, file: out, cwd: parent, portable: true, sync: true, noMtime: false }, [BUNDLE_ROOT]);
}

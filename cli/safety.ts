import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactText, registeredSecrets } from '../lib/http/redact.ts';

/**
 * The last lines of defence against a secret in an artefact: every line a command prints goes through the
 * masker, and the results folder is scrubbed after a run (and before a bundle is made of it). The first
 * line is at the source (lib/http/exchange.ts, lib/harness/redact-error.ts).
 */

type Write = typeof process.stdout.write;
let guarded = false;

/** Masks every registered secret, in every form, in whatever this process writes to stdout and stderr. */
export function guardConsole(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return write(redactText(chunk), ...rest);
      if (chunk instanceof Uint8Array && (rest.length === 0 || typeof rest[0] !== 'string' || rest[0] === 'utf8' || rest[0] === 'utf-8' || rest[0] === 'buffer')) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
        const masked = redactText(text);
        if (masked !== text) return write(masked, ...rest.filter((r) => typeof r !== 'string'));
      }
      return write(chunk, ...rest);
    }) as Write;
  }
}

/** A file that holds a NUL byte in its first 8 KiB is binary (an archive): not rewritten. */
function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

function filesIn(dir: string, since: number, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    // links are not followed: the folder's own files only
    if (stat.isDirectory()) filesIn(path, since, out);
    else if (stat.isFile() && stat.mtimeMs >= since) out.push(path);
  }
}

/** When each folder was last scrubbed (files not changed since are not read again). */
const scrubbedAt = new Map<string, number>();

/**
 * Rewrites, masked, every text file below `dir` that holds a registered secret in any form; returns the
 * files it rewrote. With `changedOnly`, files not modified since the last scrub of the folder are skipped.
 */
export function scrubResults(dir: string, changedOnly = false): string[] {
  if (!registeredSecrets().length) return [];
  const started = Date.now();
  const files: string[] = [];
  // a second's margin: some file systems keep modification times in whole seconds
  filesIn(dir, changedOnly ? (scrubbedAt.get(dir) ?? 0) - 1000 : 0, files);
  const rewritten: string[] = [];
  for (const file of files) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      continue;
    }
    if (isBinary(content)) continue;
    const text = content.toString('utf8');
    const masked = redactText(text);
    if (masked === text) continue;
    const temp = `${file}.scrub-${process.pid}`;
    writeFileSync(temp, masked);
    renameSync(temp, file);
    rewritten.push(file);
  }
  scrubbedAt.set(dir, started);
  return rewritten;
}

/** scrubResults, saying on stderr how many files it had to mask (a sign that a secret got past the source). */
export function scrubAndReport(dir: string, changedOnly = false): void {
  const rewritten = scrubResults(dir, changedOnly);
  if (rewritten.length) process.stderr.write(`metaconform: masked a secret in ${rewritten.length} file(s) of ${dir} after the run\n`);
}

/** Scrubs these folders once more when the process exits (also on Ctrl-C, SIGTERM or process.exit): only files changed since. */
const atExit = new Set<string>();
export function scrubOnExit(dir: string): void {
  if (!atExit.size) process.once('exit', () => {
    for (const d of atExit) {
      try {
        scrubAndReport(d, true);
      } catch {
        // the process is ending; nothing more can be done here
      }
    }
  });
  atExit.add(dir);
}

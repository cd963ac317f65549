import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { VARS } from '../lib/config/variables.ts';
import { ConfigError } from '../lib/errors.ts';

/**
 * Usage checks made before anything is sent: each problem is a ConfigError (one line, exit 2) naming the
 * variable or argument at fault.
 */

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    ENOENT: 'the file system does not accept a new folder there',
    ENOTDIR: 'a part of the path is not a folder',
    ENAMETOOLONG: 'the name is too long',
    ELOOP: 'too many symbolic links',
  };
  return err?.code ? `${words[err.code] ?? err.code} (${err.code})` : String((e as Error)?.message ?? e);
}

/**
 * Makes sure a results folder exists, is a folder and is writable, creating missing folders one at a time
 * (never `mkdir -p`: Node's recursive mkdir loops forever under /proc). A probe file is written and removed.
 */
export function ensureResultsDir(dir: string, variable: string = VARS.resultsDir): string {
  const absolute = resolve(dir);
  const { root } = parse(absolute);
  let path = root;
  for (const part of absolute.slice(root.length).split(sep).filter(Boolean)) {
    path = join(path, part);
    let stat;
    try {
      stat = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new ConfigError(variable, `${dirname(path)} is not a folder`);
      if (code !== 'ENOENT') throw new ConfigError(variable, `cannot use ${path}: ${reason(e)}`);
      try {
        mkdirSync(path);
      } catch (made) {
        if ((made as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(variable, `cannot create the folder ${path}: ${reason(made)}`);
      }
      stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) throw new ConfigError(variable, `cannot create the folder ${path}`);
    }
    if (!stat.isDirectory()) throw new ConfigError(variable, `${path} exists and is not a folder`);
  }
  const probe = join(absolute, `.metaconform-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new ConfigError(variable, `${absolute} is not writable: ${reason(e)}`);
  }
  return absolute;
}

/** A file the command will write (--out): its folder must exist and be writable, and it must not be a folder. */
export function checkOutputFile(flag: string, file: string): void {
  const absolute = resolve(file);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new ConfigError(flag, `${absolute} is a folder; name the file to write`);
  const folder = dirname(absolute);
  const parent = statSync(folder, { throwIfNoEntry: false });
  if (!parent?.isDirectory()) throw new ConfigError(flag, `the folder ${folder} does not exist`);
  const probe = join(folder, `.metaconform-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new ConfigError(flag, `cannot write into ${folder}: ${reason(e)}`);
  }
}

function readKeyFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(flag, `cannot read ${file}: ${reason(e)}`);
  }
}

/** An Ed25519 private key for signing (--sign), checked before a certification run rather than after it. */
export function checkSigningKey(flag: string, file: string): void {
  let type: string | undefined;
  try {
    type = createPrivateKey(readKeyFile(flag, file)).asymmetricKeyType;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(flag, `${file} is not a PEM private key`);
  }
  if (type !== 'ed25519') throw new ConfigError(flag, `${file} is a ${type ?? 'unknown'} key; an Ed25519 key is needed`);
}

/** An Ed25519 public key to check a signature with (--pubkey). */
export function checkPublicKey(flag: string, file: string): void {
  let type: string | undefined;
  try {
    type = createPublicKey(readKeyFile(flag, file)).asymmetricKeyType;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(flag, `${file} is not a PEM public key`);
  }
  if (type !== 'ed25519') throw new ConfigError(flag, `${file} is a ${type ?? 'unknown'} key; an Ed25519 key is needed`);
}

/** A file that must exist and be readable (a bundle to verify). */
export function checkReadableFile(flag: string, file: string): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new ConfigError(flag, `${file} does not exist`);
  if (!stat.isFile()) throw new ConfigError(flag, `${file} is not a file`);
}

/** Looks a name up among known ones (own properties only: '__proto__' or 'toString' are not names). */
export function knownName<T>(table: Readonly<Record<string, T>>, name: string, variable: string, what: string): T {
  if (Object.hasOwn(table, name)) return table[name]!;
  throw new ConfigError(variable, `unknown ${what} '${name}' (known: ${Object.keys(table).join(', ')})`);
}

/** METACONFORM_REFERENCE_MUTANT names a mutant of the reference (checked before the reference starts). */
export async function checkMutant(name: string | undefined): Promise<void> {
  if (name === undefined) return;
  const { MUTANTS, SEQUENCE_MUTANTS } = await import('../reference/mutants/index.ts');
  knownName({ ...MUTANTS, ...SEQUENCE_MUTANTS }, name, VARS.referenceMutant, 'mutant');
}

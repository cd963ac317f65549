// Loads one of the package's TypeScript entry points for the commands in bin/.
//
// Going through tsx's import hooks costs about a second at every start on a small machine (every module,
// node_modules included, is resolved through a hooks thread). So an entry point is bundled once with
// esbuild (packages stay external) into node_modules/.cache/metaconform/, in a folder named after the
// size and time of every source file that went in: an edited source gives a new bundle, several
// processes starting at once share or build it safely, and old bundles are removed. When the bundle
// cannot be built or written (no esbuild, read-only install), the sources are loaded through tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'metaconform');
/** Bundles kept per entry point (the newest ones); older ones are removed when a new one is built. */
const KEEP = 3;

function fingerprint(inputs) {
  const hash = createHash('sha256');
  for (const file of inputs) {
    const s = statSync(join(ROOT, file));
    hash.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

function fresh(entryName) {
  try {
    const { inputs } = JSON.parse(readFileSync(join(CACHE, `${entryName}.inputs.json`), 'utf8'));
    const dir = join(CACHE, `${entryName}-${fingerprint(inputs)}`);
    statSync(join(dir, 'entry.js'));
    return dir;
  } catch {
    return undefined;
  }
}

async function build(entry, entryName) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const temp = join(CACHE, `.${entryName}-${process.pid}-${Date.now()}`);
  const result = await esbuild({
    entryPoints: { entry: join(ROOT, entry) },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: temp,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p))).sort();
  const dir = join(CACHE, `${entryName}-${fingerprint(inputs)}`);
  try {
    renameSync(temp, dir);
  } catch {
    rmSync(temp, { recursive: true, force: true }); // another process built the same bundle first
  }
  writeFileSync(join(CACHE, `.${entryName}.inputs.${process.pid}`), JSON.stringify({ inputs }));
  renameSync(join(CACHE, `.${entryName}.inputs.${process.pid}`), join(CACHE, `${entryName}.inputs.json`));
  const old = readdirSync(CACHE)
    .filter((name) => name.startsWith(`${entryName}-`) && join(CACHE, name) !== dir)
    .map((name) => ({ name, time: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const { name } of old.slice(KEEP - 1)) rmSync(join(CACHE, name), { recursive: true, force: true });
  return dir;
}

/** Imports `entry` (a .ts path relative to the package root) and returns its module. */
export async function load(entry) {
  const entryName = entry.replace(/\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-');
  if (process.env.METACONFORM_NO_BUNDLE !== '1') {
    let dir = fresh(entryName);
    if (!dir) {
      try {
        dir = await build(entry, entryName);
      } catch {
        dir = undefined;
      }
    }
    if (dir) return import(pathToFileURL(join(dir, 'entry.js')).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, entry)).href);
}

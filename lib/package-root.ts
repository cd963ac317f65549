import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder (suites, schemas and config are found from here, not from the working
 * directory): the nearest folder above this module with metaconform's package.json. Searched, not
 * counted in `..`s, because the CLI may run from a bundle under node_modules/.cache (bin/load.mjs).
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'metaconform') return dir;
    if (dirname(dir) === dir) throw new Error(`metaconform's package.json was not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

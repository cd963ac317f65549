import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

/** Suite files and the behaviour IDs their conformance() calls cite (the first argument). */
export function citedBehaviours(root = PACKAGE_ROOT): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts')) {
        byFile.set(relative(root, path), [...readFileSync(path, 'utf8').matchAll(/conformance\(\s*'([^']+)'/g)].map((m) => m[1]!));
      }
    }
  };
  walk(join(root, 'suites'));
  return byFile;
}

/** The suite files that hold a test of one of these behaviours. */
export function suiteFilesFor(ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  return [...citedBehaviours()].filter(([, cited]) => cited.some((id) => wanted.has(id))).map(([file]) => file);
}

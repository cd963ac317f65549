import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

/** The suite files (every *.spec.ts under suites/), relative to the package. */
export function suiteFiles(root = PACKAGE_ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts')) files.push(relative(root, path));
    }
  };
  walk(join(root, 'suites'));
  return files;
}

/** Suite files and the behaviour IDs their conformance() calls cite (the first argument). */
export function citedBehaviours(root = PACKAGE_ROOT): Map<string, string[]> {
  return new Map(suiteFiles(root).map((file) => [file, [...readFileSync(join(root, file), 'utf8').matchAll(/conformance\(\s*'([^']+)'/g)].map((m) => m[1]!)]));
}

/** The suite files that hold a test of one of these behaviours. */
export function suiteFilesFor(ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  return [...citedBehaviours()].filter(([, cited]) => cited.some((id) => wanted.has(id))).map(([file]) => file);
}

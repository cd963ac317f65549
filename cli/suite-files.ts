import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

/** The suite files (every *.spec.ts under suites/), relative to the package, in a stable order. */
export function suiteFiles(root = PACKAGE_ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts')) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(join(root, 'suites'));
  return files;
}

/** One conformance() call of a suite file: the test of one behaviour, where it is declared. */
export interface DeclaredTest {
  /** The behaviour ID (the call's first argument). */
  id: string;
  /** The suite file, relative to the package. */
  file: string;
  /** The line of the `conformance(` call (1-based). */
  line: number;
  /** The test's title (`title:` of its options), when it is a plain string literal. */
  title?: string;
  /** `apis: 'once'`: one test across the bases instead of one per base. */
  once: boolean;
}

const CALL = /\bconformance\(\s*'([^']+)'(?:\s*,\s*\{([^\n]*))?/g;
const TITLE = /\btitle:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/;

/** The conformance() calls of one suite file's text, in order. */
export function declaredTestsIn(file: string, text: string): DeclaredTest[] {
  return [...text.matchAll(CALL)].map((m) => {
    const line = text.slice(0, m.index).split('\n').length;
    const options = m[2] ?? '';
    const t = TITLE.exec(options);
    const title = t ? (t[1] ?? t[2])!.replace(/\\(.)/g, '$1') : undefined;
    return { id: m[1]!, file, line, ...(title !== undefined ? { title } : {}), once: /\bapis:\s*'once'/.test(options) };
  });
}

/** Every conformance test the suites declare, file by file, in order. */
export function declaredTests(root = PACKAGE_ROOT): DeclaredTest[] {
  return suiteFiles(root).flatMap((file) => declaredTestsIn(file, readFileSync(join(root, file), 'utf8')));
}

/** Suite files and the behaviour IDs their conformance() calls cite (the first argument). */
export function citedBehaviours(root = PACKAGE_ROOT): Map<string, string[]> {
  const cited = new Map<string, string[]>(suiteFiles(root).map((file) => [file, []]));
  for (const t of declaredTests(root)) cited.get(t.file)!.push(t.id);
  return cited;
}

/** The suite files that hold a test of one of these behaviours. */
export function suiteFilesFor(ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  return [...citedBehaviours()].filter(([, cited]) => cited.some((id) => wanted.has(id))).map(([file]) => file);
}

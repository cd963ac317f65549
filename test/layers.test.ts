import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './helpers/cli.ts';

/**
 * The layers of the code, bottom to top, and what each may import. A module imports only from its own layer
 * or from the layers listed for it: suites → harness → clients → http, the commands (cli/) on top, and lib/
 * never imports the reference, the reporters or the commands. A new import across the layers fails here.
 */
const LAYERS: readonly { name: string; paths: readonly string[]; imports: readonly string[] }[] = [
  { name: 'data', paths: ['catalogue/', 'profiles/', 'lib/errors.ts', 'lib/protocol.ts', 'lib/package-root.ts', 'lib/config/variables.ts', 'lib/config/endpoint.ts'], imports: [] },
  { name: 'http', paths: ['lib/http/', 'lib/schemas.ts'], imports: ['data'] },
  { name: 'auth', paths: ['lib/auth/'], imports: ['data', 'http'] },
  { name: 'clients', paths: ['lib/clients/'], imports: ['data', 'http', 'auth'] },
  { name: 'config', paths: ['lib/config/'], imports: ['data', 'http', 'auth'] },
  { name: 'results', paths: ['lib/results/'], imports: ['data', 'http'] },
  { name: 'harness', paths: ['lib/harness/'], imports: ['data', 'http', 'auth', 'clients', 'config'] },
  { name: 'suites', paths: ['suites/'], imports: ['data', 'http', 'clients', 'config', 'harness'] },
  { name: 'reporters', paths: ['reporters/'], imports: ['data', 'http', 'harness', 'results'] },
  { name: 'reference', paths: ['reference/'], imports: ['data', 'http'] },
  { name: 'explore', paths: ['lib/explore/'], imports: ['data', 'http', 'clients', 'config', 'harness', 'results'] },
  { name: 'differential', paths: ['differential/'], imports: ['data', 'http', 'auth', 'clients', 'config', 'harness', 'results', 'reference', 'cli'] },
  { name: 'cli', paths: ['cli/'], imports: ['data', 'http', 'auth', 'clients', 'config', 'results', 'harness', 'reporters', 'reference', 'explore'] },
];

function layerOf(path: string): string | undefined {
  // the most specific path wins (lib/config/variables.ts is data, the rest of lib/config/ is config)
  let best: { name: string; length: number } | undefined;
  for (const layer of LAYERS) {
    for (const p of layer.paths) {
      if ((p.endsWith('/') ? path.startsWith(p) : path === p) && (!best || p.length > best.length)) best = { name: layer.name, length: p.length };
    }
  }
  return best?.name;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f).split('\\').join('/'));
}

/** Relative imports of a module (static, side-effect and dynamic), as paths from the package root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).split('\\').join('/'));
}

describe('layers', () => {
  const files = LAYERS.flatMap((l) => l.paths.filter((p) => p.endsWith('/')).flatMap((p) => sources(p)));

  test('every module of the layered folders belongs to a layer', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !layerOf(f))).toEqual([]);
  });

  test('no import runs against the layers', () => {
    const wrong: string[] = [];
    for (const file of new Set(files)) {
      const from = layerOf(file)!;
      const allowed = new Set([from, ...LAYERS.find((l) => l.name === from)!.imports]);
      for (const target of importsOf(file)) {
        const to = layerOf(target);
        if (to === undefined) {
          if (!target.startsWith('schemas/') && !target.endsWith('package.json')) wrong.push(`${file} imports ${target}, which belongs to no layer`);
        } else if (!allowed.has(to)) wrong.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the check sees a violation', () => {
    // lib/ importing the reference is the kind of import the layers forbid
    expect(layerOf('lib/http/client.ts')).toBe('http');
    expect(LAYERS.find((l) => l.name === 'http')!.imports).not.toContain(layerOf('reference/server.ts'));
    expect(importsOf('cli/resolve-target.ts')).toContain('reference/server.ts');
  });
});

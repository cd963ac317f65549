import { CATALOGUE, type Behaviour, type Level } from '../catalogue/index.ts';
import { ConfigError } from '../lib/errors.ts';
import { basesOf, familyOf, location, testsById } from './inventory.ts';

/**
 * `metaconform list`: the behaviour catalogue, one line per behaviour (ID, level, where its test is, rule), or
 * everything as JSON; filtered by tag, level and family (the ID without its number, e.g. `SM-KEY`). Filters of
 * different kinds must all match; several values of one kind (repeated or comma-separated) are alternatives.
 */
export interface ListOptions {
  json: boolean;
  tags: readonly string[];
  levels: readonly Level[];
  families: readonly string[];
}

const LEVELS: readonly Level[] = ['required', 'advisory', 'informational'];
const FLAGS = { '--tag': 'tags', '--level': 'levels', '--family': 'families' } as const;

/** `list`'s arguments; anything unknown, and any tag, level or family the catalogue does not have, is a usage error. */
export function parseListArgs(args: readonly string[]): ListOptions {
  const lists: Record<'tags' | 'levels' | 'families', string[]> = { tags: [], levels: [], families: [] };
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!Object.hasOwn(FLAGS, flag)) throw new ConfigError(arg, `unknown option (known: --json, ${Object.keys(FLAGS).join(', ')})`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new ConfigError(flag, 'needs a value');
    lists[FLAGS[flag as keyof typeof FLAGS]].push(...value.split(',').map((v) => v.trim()).filter(Boolean));
  }
  const known = (what: string, flag: string, values: string[], all: readonly string[]) => {
    const unknown = values.filter((v) => !all.includes(v));
    if (unknown.length) throw new ConfigError(flag, `unknown ${what} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${all.join(', ')})`);
  };
  known('tag', '--tag', lists.tags, [...new Set(CATALOGUE.flatMap((b) => b.tags))].sort());
  known('level', '--level', lists.levels, LEVELS);
  lists.families = lists.families.map((f) => f.toUpperCase());
  known('family', '--family', lists.families, [...new Set(CATALOGUE.map((b) => familyOf(b.id)))]);
  return { json, tags: lists.tags, levels: lists.levels as Level[], families: lists.families };
}

/** The behaviours the filters select, in catalogue order. */
export function selectBehaviours(opts: Pick<ListOptions, 'tags' | 'levels' | 'families'>): Behaviour[] {
  return CATALOGUE.filter(
    (b) =>
      (!opts.tags.length || b.tags.some((t) => opts.tags.includes(t))) &&
      (!opts.levels.length || opts.levels.includes(b.level)) &&
      (!opts.families.length || opts.families.includes(familyOf(b.id))),
  );
}

/** The selected catalogue as text (one line per behaviour, then the counts) or as JSON (with bases and tests). */
export function formatCatalogue(opts: ListOptions = { json: false, tags: [], levels: [], families: [] }, tests = testsById()): string {
  const selected = selectBehaviours(opts);
  if (opts.json) {
    return JSON.stringify(
      selected.map((b) => ({ ...b, family: familyOf(b.id), bases: basesOf(b), tests: (tests.get(b.id) ?? []).map((t) => ({ file: t.file, line: t.line, ...(t.title !== undefined ? { title: t.title } : {}) })) })),
      null,
      2,
    );
  }
  const where = (b: Behaviour) => (tests.get(b.id) ?? []).map(location).join(', ') || '(no test)';
  const idWidth = Math.max(0, ...selected.map((b) => b.id.length));
  const whereWidth = Math.max(0, ...selected.map((b) => where(b).length));
  const lines = selected.map((b) => `${b.id.padEnd(idWidth)}  ${b.level.padEnd(13)}  ${where(b).padEnd(whereWidth)}  ${b.rule}`);
  const counts = LEVELS.map((level) => `${selected.filter((b) => b.level === level).length} ${level}`);
  const filtered = selected.length !== CATALOGUE.length ? ` (of ${CATALOGUE.length})` : '';
  return [...lines, '', `${selected.length} behaviours${filtered}: ${counts.join(', ')}`].join('\n');
}

/** The `list` command: prints the catalogue; returns the exit status. */
export function runList(args: readonly string[]): number {
  console.log(formatCatalogue(parseListArgs(args)));
  return 0;
}

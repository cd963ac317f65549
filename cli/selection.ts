import { appliesTo, CATALOGUE } from '../catalogue/index.ts';
import { ConfigError } from '../lib/errors.ts';

/** What the operator asked to run: behaviour IDs or globs, tags, and exclusions (IDs, globs or tags). */
export interface Selection {
  behaviours: string[];
  tags: string[];
  exclude: string[];
}

export interface ResolvedSelection {
  /** Behaviour IDs to run, in catalogue order. */
  ids: string[];
  /** Whether anything of the profile's catalogue is left out (a partial run). */
  partial: boolean;
  /** One line for the summary, the certification files and the Allure environment. */
  description: string;
  selection: Selection;
}

export const EMPTY_SELECTION: Selection = { behaviours: [], tags: [], exclude: [] };

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

const ALL_TAGS = new Set(CATALOGUE.flatMap((b) => b.tags));

/** Resolves a selection against the catalogue of a profile; a pattern or tag that matches nothing is a usage error. */
export function resolveSelection(sel: Selection, profile: string): ResolvedSelection {
  const all = CATALOGUE.filter((b) => appliesTo(b, profile));
  const byPattern = (flag: string, pattern: string) => {
    const re = glob(pattern);
    const hit = all.filter((b) => re.test(b.id));
    if (!hit.length) throw new ConfigError(flag, `'${pattern}' matches no behaviour of profile '${profile}' (see metaconform list)`);
    return hit;
  };
  const byTag = (flag: string, tag: string) => {
    if (!ALL_TAGS.has(tag)) throw new ConfigError(flag, `unknown tag '${tag}' (known: ${[...ALL_TAGS].sort().join(', ')})`);
    return all.filter((b) => b.tags.includes(tag));
  };
  const included = sel.behaviours.length || sel.tags.length ? new Set([...sel.behaviours.flatMap((p) => byPattern('--behaviour', p)), ...sel.tags.flatMap((t) => byTag('--tag', t))]) : new Set(all);
  const excluded = new Set(sel.exclude.flatMap((x) => (ALL_TAGS.has(x) ? byTag('--exclude', x) : byPattern('--exclude', x))));
  const ids = all.filter((b) => included.has(b) && !excluded.has(b)).map((b) => b.id);
  if (!ids.length) throw new ConfigError('--behaviour', 'the selection leaves no behaviour to run');
  const parts = [
    sel.behaviours.length ? `behaviours ${sel.behaviours.join(', ')}` : '',
    sel.tags.length ? `tags ${sel.tags.join(', ')}` : '',
    sel.exclude.length ? `excluding ${sel.exclude.join(', ')}` : '',
  ].filter(Boolean);
  const partial = ids.length < all.length;
  return { ids, partial, selection: sel, description: partial ? `PARTIAL RUN: ${ids.length} of ${all.length} behaviours (${parts.join('; ')})` : 'full catalogue' };
}

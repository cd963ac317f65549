import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findBehaviour } from '../../catalogue/index.ts';
import { ConfigError } from '../errors.ts';

/** A known failure of a target, kept out of the tests: expected to fail (reported as known) or skipped. */
export interface Expectation {
  id: string;
  expect: 'fail' | 'skip';
  reason: string;
  link?: string;
}

export interface Expectations {
  file: string;
  entries: Expectation[];
}

const FLAG = '--expectations';

/** Reads an expectations file (YAML: a list of {id, expect: fail|skip, reason, link?}); every problem is a usage error. */
export function loadExpectations(file: string): Expectations {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(FLAG, `cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = (doc && typeof doc === 'object' && 'expectations' in doc ? (doc as { expectations: unknown }).expectations : doc) ?? [];
  if (!Array.isArray(list)) throw new ConfigError(FLAG, `${file} must hold a list of expectations`);
  const entries = list.map((raw, i): Expectation => {
    const e = raw as Partial<Expectation>;
    const where = `${file} entry ${i + 1}`;
    if (typeof e.id !== 'string' || !findBehaviour(e.id)) throw new ConfigError(FLAG, `${where}: unknown behaviour '${String(e.id)}' (see metaconform list)`);
    if (e.expect !== 'fail' && e.expect !== 'skip') throw new ConfigError(FLAG, `${where} (${e.id}): expect must be 'fail' or 'skip'`);
    if (typeof e.reason !== 'string' || !e.reason.trim()) throw new ConfigError(FLAG, `${where} (${e.id}): a reason is required`);
    return { id: e.id, expect: e.expect, reason: e.reason, ...(typeof e.link === 'string' ? { link: e.link } : {}) };
  });
  const ids = entries.map((e) => e.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new ConfigError(FLAG, `${file}: ${twice} is listed twice`);
  return { file, entries };
}

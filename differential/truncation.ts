/**
 * The transcripts shorten long strings: `prefix…<N chars total>…suffix` (URLs, request bodies) and
 * `prefix…<body truncated, N chars total>` (response bodies); N counts code points, as Python's len().
 * These helpers rebuild such strings from candidates and accept a candidate only if it has the shown
 * prefix, suffix and length: nothing is guessed silently.
 */

const MIDDLE = /^([\s\S]*)…<(\d+) chars total>…([\s\S]*)$/;
const TAIL = /^([\s\S]*)…<body truncated, (\d+) chars total>$/;

export interface Truncated {
  prefix: string;
  suffix: string;
  total: number;
}

export function truncation(text: string): Truncated | undefined {
  const m = MIDDLE.exec(text);
  if (m) return { prefix: m[1]!, total: Number(m[2]), suffix: m[3]! };
  const t = TAIL.exec(text);
  if (t) return { prefix: t[1]!, total: Number(t[2]), suffix: '' };
  return undefined;
}

export function codePoints(text: string): number {
  return [...text].length;
}

export function fits(candidate: string, t: Truncated): boolean {
  return candidate.startsWith(t.prefix) && candidate.endsWith(t.suffix) && codePoints(candidate) === t.total;
}

/**
 * Candidates that fill the gap with one repeated character c: `prefix + c…c + suffix` when the prefix ends and
 * the suffix starts with c, or `known + c…c + suffix` for a known start when the suffix is all c.
 */
export function repeatFills(t: Truncated, knownStarts: string[] = []): string[] {
  const out: string[] = [];
  const suffix = [...t.suffix];
  const c = suffix[0];
  if (c === undefined) return out;
  const n = t.total - codePoints(t.prefix) - codePoints(t.suffix);
  if (n >= 0 && [...t.prefix].at(-1) === c) out.push(t.prefix + c.repeat(n) + t.suffix);
  if (suffix.every((x) => x === c)) {
    for (const start of knownStarts) {
      const m = t.total - codePoints(start) - codePoints(t.suffix);
      if (start.startsWith(t.prefix) && m >= 0) out.push(start + c.repeat(m) + t.suffix);
    }
  }
  return out;
}

/** `{"metadata": {"k000": "v", …, "kNNN": "v"}}` ending with the suffix's last key. */
export function numberedItems(t: Truncated): string[] {
  const m = /"k(\d{3})": "v"\}\}$/.exec(t.suffix);
  if (!m) return [];
  const count = Number(m[1]) + 1;
  const map = Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));
  return [pythonDumps({ metadata: map })];
}

/** The one candidate that fits (a JSON-looking text must also parse), or an error naming the text. */
export function rebuild(text: string, t: Truncated, candidates: string[]): string {
  const found = [...new Set(candidates)].filter((c) => fits(c, t) && (!c.startsWith('{') || parses(c)));
  if (found.length !== 1) throw new Error(`cannot rebuild truncated text '${text.slice(0, 120)}…': ${found.length} of ${candidates.length} candidates fit`);
  return found[0]!;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Python's json.dumps with its defaults (separators ', ' and ': ', ensure_ascii): how Nova writes bodies. */
export function pythonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonDumps(k)}: ${pythonDumps(v)}`)
      .join(', ')}}`;
  }
  throw new Error(`cannot dump ${typeof value}`);
}

/** Top-level member names of a JSON object text that may be cut short (read until the text ends). */
export function leadingMembers(text: string): string[] {
  const members: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') j++;
        s += text[j] ?? '';
      }
      if (j >= text.length) break;
      const after = text.slice(j + 1).trimStart();
      if (depth === 1 && after.startsWith(':')) members.push(s);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return members;
}

/**
 * Python's repr() and str() of a JSON value, as Nova's messages show them (jsonschema's messages use
 * `{instance!r}`, nova/api/validation/validators.py adds `Value: %(value)s`). JSON numbers lose Python's
 * int/float distinction here (1.0 shows as 1).
 */

/** Characters str.isprintable() refuses (Unicode categories C* and Z* except the space). */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

function escapeChar(ch: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  if (named[ch]) return named[ch];
  if (ch === ' ' || !NOT_PRINTABLE.test(ch)) return ch;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) out += ch === quote ? `\\${ch}` : escapeChar(ch);
  return `${quote}${out}${quote}`;
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

/** str(): a string as it is, anything else as repr(). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

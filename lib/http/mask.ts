/**
 * Masking secrets by value, in every form they can take on their way into an artefact.
 *
 * A secret is looked for as itself and in the forms a transcript, a message, a report or a file gives it:
 * JSON-escaped (also ASCII-only with `\/`, as other JSON writers do), quoted as chai/loupe and other
 * inspectors print strings, XML/HTML-escaped (JUnit, the HTML report), percent- and form-encoded (upper and
 * lower case hex), base64 and base64url (also inside a longer base64 text: the characters that depend on
 * the secret's bytes alone, at each of the three alignments) and hex; and the containers again, two deep,
 * around all of those (a base64 form in a JSON string in an XML attribute).
 *
 * Truncated forms: a secret longer than FRAGMENT characters is masked wherever FRAGMENT consecutive
 * characters of it appear, in any of those forms; a shorter one is masked whole, in each of its forms.
 *
 * compileMasker() turns a set of secrets into one function: the needles (secretNeedles) are indexed by a
 * hash of their first FRAGMENT characters, and the text is scanned once with a rolling hash (plus once per
 * length of a short secret's forms); a window whose hash is known is compared exactly. Overlapping or
 * touching matches become one mask.
 */

export const REDACTED = '***';
/** Shorter values are never registered: they would mask ordinary text. */
export const MIN_SECRET_LENGTH = 4;
/** The shortest run of a secret's characters that is masked wherever it appears. */
export const FRAGMENT = 12;

type Encoder = (s: string) => string;

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON.stringify's escaping (without the quotes). */
const json: Encoder = (s) => JSON.stringify(s).slice(1, -1);
/** ASCII-only JSON (Python's json.dumps, PHP): non-ASCII as \uXXXX, and `/` as `\/`. */
const jsonAscii: Encoder = (s) => json(s).replace(/[\u007f-\uffff]/g, hex4).replaceAll('/', '\\/');
/** loupe (chai's and vitest's messages): quote and control characters escaped, backslash as is. */
const LOUPE = /['\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0604\u070f\u17b4\u17b5\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufff0-\uffff]/g;
const LOUPE_ESCAPES: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', "'": "\\'" };
const loupe: Encoder = (s) => s.replace(LOUPE, (c) => LOUPE_ESCAPES[c] ?? hex4(c));
/** A single-quoted string literal that escapes backslashes too (util.inspect, Python's repr). */
const singleQuoted: Encoder = (s) => s.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
const xml: Encoder = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const htmlNumeric: Encoder = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&#39;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const htmlHex: Encoder = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&#34;').replaceAll("'", '&#x27;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const htmlText: Encoder = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const lowerHex: Encoder = (s) => s.replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase());
const percent: Encoder = (s) => encodeURIComponent(s);
const percentStrict: Encoder = (s) => encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const percentUri: Encoder = (s) => encodeURI(s);
const form: Encoder = (s) => new URLSearchParams({ x: s }).toString().slice(2);

/** Strings with lone surrogates cannot be percent-encoded; such a form is simply left out. */
function attempt(encode: Encoder, s: string): string | undefined {
  try {
    return encode(s);
  } catch {
    return undefined;
  }
}

/**
 * The base64 characters that depend on the secret's bytes alone when it starts `offset` bytes (0, 1, 2)
 * into a 3-byte group of a longer base64 text: character i covers bits [6i, 6i+6) of the encoded bytes.
 */
function base64Core(bytes: Buffer, offset: number, url: boolean): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(url ? 'base64url' : 'base64');
  const first = Math.ceil((8 * offset) / 6);
  const last = Math.floor((8 * (offset + bytes.length) - 6) / 6);
  return encoded.slice(first, last + 1);
}

/** The transport encodings of one text: itself, percent and form encoding, base64 at three alignments, hex. */
function encodings(s: string): string[] {
  const out = [s];
  for (const e of [percent, percentStrict, percentUri, form]) {
    const v = attempt(e, s);
    if (v !== undefined) out.push(v, lowerHex(v));
  }
  const bytes = Buffer.from(s, 'utf8');
  for (const offset of [0, 1, 2]) for (const url of [false, true]) out.push(base64Core(bytes, offset, url));
  out.push(bytes.toString('hex'), bytes.toString('hex').toUpperCase());
  return out;
}

/** How a string is quoted inside the artefacts that carry it (messages, JSON files, XML, HTML, URLs). */
const CONTAINERS: readonly Encoder[] = [json, jsonAscii, loupe, singleQuoted, xml, htmlNumeric, htmlHex, htmlText, percent];
/** Containers nest (a JSON body in a message in a JSON file in XML): forms are wrapped up to this deep. */
const CONTAINER_DEPTH = 2;

/** Every form of a text that is looked for (deduplicated; includes the text itself). */
export function secretForms(text: string): string[] {
  const inner = new Set([text, json(text), jsonAscii(text), loupe(text), singleQuoted(text)]);
  const forms = new Set<string>();
  for (const s of inner) for (const e of encodings(s)) forms.add(e);
  let layer = [...forms];
  for (let depth = 0; depth < CONTAINER_DEPTH; depth++) {
    const next: string[] = [];
    for (const f of layer) {
      for (const wrap of CONTAINERS) {
        const v = attempt(wrap, f);
        if (v !== undefined && !forms.has(v)) {
          forms.add(v);
          next.push(v);
        }
      }
    }
    layer = next;
  }
  return [...forms].filter((f) => f.length > 0);
}

const needlesOf = new Map<string, readonly string[]>();

/**
 * What is looked for to mask one secret. A secret of FRAGMENT characters or fewer: its forms, whole. A
 * longer one: the forms of each of its runs of FRAGMENT characters. The escapes and percent-encoding work
 * character by character, so the form of a run is part of the form of anything that contains the run; for
 * base64 the three alignments of each run are there. So any text holding FRAGMENT consecutive characters of
 * the secret, in any of these forms, holds one of these needles, and each needle stands for FRAGMENT of the
 * secret's characters (never for escaping noise alone).
 */
export function secretNeedles(secret: string): readonly string[] {
  let needles = needlesOf.get(secret);
  if (!needles) {
    const set = new Set<string>();
    if (secret.length <= FRAGMENT) for (const f of secretForms(secret)) set.add(f);
    else for (let i = 0; i + FRAGMENT <= secret.length; i++) for (const f of secretForms(secret.slice(i, i + FRAGMENT))) set.add(f);
    needlesOf.set(secret, (needles = [...set]));
  }
  return needles;
}

const BASE = 0x01000193;

function hashOf(text: string, start: number, length: number): number {
  let h = 0;
  for (let i = start; i < start + length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** BASE^(length-1), wrapping like the rolling hash. */
function topPower(length: number): number {
  let p = 1;
  for (let i = 1; i < length; i++) p = Math.imul(p, BASE);
  return p;
}

interface Window {
  /** The window the text is hashed in: the needles' first `length` characters. */
  length: number;
  top: number;
  /** Hash of the first `length` characters → the needles that start so. */
  needles: Map<number, string[]>;
  /** A cheap pre-filter: one bit per hash bucket. */
  filter: Uint8Array;
}

const FILTER_BITS = 1 << 18;
/** The filter's bucket of a hash (scan() computes it inline). */
const bucket = (h: number) => (h ^ (h >>> 14)) & (FILTER_BITS - 1);

export type Masker = (text: string) => string;

/**
 * Compiles a set of secrets into one masking function (once per set; then called on every text). Needles of
 * FRAGMENT characters or more are found by the hash of their first FRAGMENT characters, shorter ones (the
 * forms of short secrets) by the hash of the whole, one pass over the text per window length.
 */
export function compileMasker(secrets: Iterable<string>): Masker {
  const byWindow = new Map<number, Set<string>>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const needle of secretNeedles(secret)) {
      const w = Math.min(needle.length, FRAGMENT);
      let set = byWindow.get(w);
      if (!set) byWindow.set(w, (set = new Set()));
      set.add(needle);
    }
  }
  const windows: Window[] = [...byWindow].map(([length, set]) => {
    const needles = new Map<number, string[]>();
    const filter = new Uint8Array(FILTER_BITS >>> 3);
    for (const needle of set) {
      const h = hashOf(needle, 0, length);
      const list = needles.get(h);
      if (list) list.push(needle);
      else needles.set(h, [needle]);
      const b = bucket(h);
      filter[b >>> 3]! |= 1 << (b & 7);
    }
    // the longest first: a match masks as much as it can
    for (const list of needles.values()) list.sort((a, b) => b.length - a.length);
    return { length, top: topPower(length), needles, filter };
  });
  if (!windows.length) return (text) => text;
  const shortest = Math.min(...windows.map((w) => w.length));

  return (text: string): string => {
    if (text.length < shortest) return text;
    let spans: number[] | undefined;
    for (const w of windows) if (text.length >= w.length) spans = scan(text, w, spans);
    return spans ? replaceSpans(text, spans) : text;
  };
}

/** The [start, end) pairs of the needles of one window found in a text, appended to `spans`. */
function scan(text: string, w: Window, spans: number[] | undefined): number[] | undefined {
  const n = w.length;
  const top = w.top;
  const filter = w.filter;
  const last = text.length - n;
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  for (let i = 0; ; i++) {
    const b = (h ^ (h >>> 14)) & (FILTER_BITS - 1);
    if ((filter[b >>> 3]! & (1 << (b & 7))) !== 0) {
      const end = matchAt(text, i, w.needles.get(h));
      if (end > 0) (spans ??= []).push(i, end);
    }
    if (i >= last) return spans;
    h = (Math.imul((h - Math.imul(text.charCodeAt(i), top)) | 0, BASE) + text.charCodeAt(i + n)) | 0;
  }
}

/** The end of the (longest) needle that starts at `i`, or 0. */
function matchAt(text: string, i: number, candidates: string[] | undefined): number {
  if (!candidates) return 0;
  for (const needle of candidates) if (text.startsWith(needle, i)) return i + needle.length;
  return 0;
}

/** The text with every span masked; overlapping or touching spans become one mask. */
function replaceSpans(text: string, flat: number[]): string {
  const spans: [number, number][] = [];
  for (let k = 0; k < flat.length; k += 2) spans.push([flat[k]!, flat[k + 1]!]);
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let [start, end] = spans[0]!;
  for (const [s, e] of spans) {
    if (s <= end) end = Math.max(end, e);
    else {
      out += text.slice(at, start) + REDACTED;
      at = end;
      start = s;
      end = e;
    }
  }
  return out + text.slice(at, start) + REDACTED + text.slice(end);
}

/** `scheme://user:password@` in a URL: the userinfo is masked (`scheme://***@`). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>]*@/gi;

export function maskUserinfo(text: string): string {
  return text.includes('@') && text.includes('://') ? text.replace(USERINFO, `$1${REDACTED}@`) : text;
}

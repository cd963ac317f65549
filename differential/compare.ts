/** Comparing one answer of a target with Nova's recorded answer: status, content type, microversion headers, body shape. */
import type { BodyShape, DiffCase, RecordedAnswer } from './types.ts';

export type DifferenceKind = 'setup' | 'status' | 'content-type' | 'microversion-headers' | 'body' | 'message' | 'follow-up';

export interface Difference {
  kind: DifferenceKind;
  nova: string;
  target: string;
}

export interface Observed {
  status: number;
  contentType?: string;
  microversionHeaders: boolean;
  text: string;
}

/** Fills the placeholders of a recorded text with the target's ids. */
export type Fill = (text: string) => string;

function normaliseType(value: string | undefined): string {
  return (value ?? '').toLowerCase().replace(/\s+/g, '');
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function showMap(map: Record<string, string>): string {
  const text = JSON.stringify(map);
  return text.length > 160 ? `${text.slice(0, 160)}… (${Object.keys(map).length} keys)` : text;
}

function describeShape(shape: BodyShape): string {
  if (shape.kind !== 'json') return shape.kind;
  if (shape.fault) return `fault ${shape.fault.name} ${shape.fault.code}`;
  if (shape.map) return `{${shape.members.join(',')}} ${showMap(shape.map)}`;
  return `json {${shape.members.join(',')}}${shape.truncated ? ' (beginning only)' : ''}`;
}

/** The shape of a target's response body, in the terms of the recorded one. */
export function observedShape(observed: Observed): { shape: BodyShape; message?: string } {
  const type = normaliseType(observed.contentType);
  if (!observed.text.trim()) return { shape: { kind: 'empty' } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(observed.text);
  } catch {
    return { shape: { kind: type.startsWith('text/html') ? 'html' : 'text' } };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { shape: { kind: 'json', members: [] } };
  const top = parsed as Record<string, unknown>;
  const members = Object.keys(top).sort();
  const shape: BodyShape & { kind: 'json' } = { kind: 'json', members };
  let message: string | undefined;
  if (members.length === 1) {
    const inner = top[members[0]!] as Record<string, unknown> | null;
    if (inner && typeof inner === 'object' && typeof inner['code'] === 'number' && typeof inner['message'] === 'string') {
      shape.fault = { name: members[0]!, code: inner['code'] };
      message = inner['message'];
    }
    if ((members[0] === 'metadata' || members[0] === 'meta') && inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const entries = Object.entries(inner);
      if (entries.every(([, v]) => typeof v === 'string')) shape.map = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  return { shape, ...(message !== undefined ? { message } : {}) };
}

/** Everything in which the observed answer differs from Nova's recorded one. */
export function compareAnswer(nova: RecordedAnswer, observed: Observed, fill: Fill): Difference[] {
  const out: Difference[] = [];
  if (nova.status !== observed.status) out.push({ kind: 'status', nova: String(nova.status), target: String(observed.status) });
  if (normaliseType(nova.contentType) !== normaliseType(observed.contentType)) {
    out.push({ kind: 'content-type', nova: nova.contentType ?? '(none)', target: observed.contentType ?? '(none)' });
  }
  if (nova.microversionHeaders !== observed.microversionHeaders) {
    out.push({ kind: 'microversion-headers', nova: nova.microversionHeaders ? 'present' : 'absent', target: observed.microversionHeaders ? 'present' : 'absent' });
  }
  const { shape, message } = observedShape(observed);
  const expected = nova.body;
  let same = expected.kind === shape.kind;
  if (same && expected.kind === 'json' && shape.kind === 'json') {
    const membersOk = expected.truncated ? expected.members.every((m) => shape.members.includes(m)) : expected.members.join() === shape.members.join();
    const faultOk = !expected.fault || (shape.fault?.name === expected.fault.name && shape.fault.code === expected.fault.code);
    const mapOk = !expected.map || (shape.map !== undefined && sameMap(expected.map, shape.map));
    same = membersOk && faultOk && mapOk;
  }
  if (!same) out.push({ kind: 'body', nova: describeShape(expected), target: describeShape(shape) });
  else if (expected.kind === 'json' && expected.fault?.message !== undefined && message !== undefined && fill(expected.fault.message) !== message) {
    out.push({ kind: 'message', nova: fill(expected.fault.message), target: message });
  }
  return out;
}

/** The follow-up read: same status and, when Nova's was a metadata map, the same map. */
export function compareFollowUp(c: DiffCase, observed: Observed): Difference[] {
  const f = c.followUp;
  if (!f) return [];
  const { shape } = observedShape(observed);
  const got = shape.kind === 'json' ? shape.map : undefined;
  if (f.status === observed.status && (!f.map || (got !== undefined && sameMap(f.map, got)))) return [];
  return [{ kind: 'follow-up', nova: `${f.method} ${f.path} → ${f.status}${f.map ? ` ${showMap(f.map)}` : ''}`, target: `${observed.status}${got ? ` ${showMap(got)}` : ''}` }];
}

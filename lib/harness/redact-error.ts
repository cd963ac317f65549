import type { TestContext } from 'vitest';
import { redactText } from '../http/redact.ts';

/**
 * Redaction at the source, in the test worker: what a failing test throws and what it recorded for Allure
 * are masked (every registered secret, every form) before vitest and allure-vitest serialise them into
 * JUnit, Allure results and the console. A target that echoes the token into a body would otherwise put
 * it into an assertion message, chai's actual/expected and diff, or an Allure step.
 */

/** A copy of a value with every string in it masked (objects and arrays copied, cycles kept as they are). */
export function redactValue(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Error) return redactError(value, seen);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(redactValue(item, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value) out.set(redactValue(k, seen), redactValue(v, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    seen.set(value, out);
    for (const v of value) out.add(redactValue(v, seen));
    return out;
  }
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) return value;
  // plain objects and class instances: a copy with the same prototype, so inspectors print the same name
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = redactValue((value as Record<string, unknown>)[key], seen);
  return out;
}

/**
 * Masks an error in place (it stays the same object, of the same class: vitest and the reporters tell a
 * skip, an assertion and a no-verdict error apart by it): message, stack, actual, expected, diff, cause,
 * aggregated errors and every other property, deeply. Returns the error.
 */
export function redactError<T>(error: T, seen = new Map<object, unknown>()): T {
  if (error === null || typeof error !== 'object') return (typeof error === 'string' ? redactText(error) : error) as T;
  if (seen.has(error)) return error;
  seen.set(error, error);
  const target = error as Record<string, unknown>;
  for (const key of new Set([...Object.getOwnPropertyNames(error), 'message', 'stack'])) {
    let current: unknown;
    try {
      current = target[key];
    } catch {
      continue;
    }
    if (current === undefined || typeof current === 'function') continue;
    const masked = current instanceof Error ? redactError(current, seen) : redactValue(current, seen);
    if (masked === current) continue;
    try {
      target[key] = masked;
    } catch {
      try {
        Object.defineProperty(error, key, { value: masked, configurable: true, writable: true });
      } catch {
        // a frozen property: nothing to do but leave it to the scrub of the results folder
      }
    }
  }
  return error;
}

/** Allure runtime messages the test recorded (steps, their failures, matcher steps), masked in place. */
function redactMeta(meta: Record<string, unknown>): void {
  for (const key of Object.keys(meta)) {
    const value = meta[key];
    if (key === 'allureRuntimeMessages' || key === 'allureGlobalRuntimeMessages') meta[key] = (value as unknown[]).map(redactMessage);
    else meta[key] = redactValue(value);
  }
}

/**
 * One Allure runtime message. Attachments are left as they are: the harness attaches transcripts made of
 * masked parts (lib/http/exchange.ts), and masking them again would double the cost of masking a run; any
 * other attachment is caught by the scrub of the results folder, which then says so.
 */
function redactMessage(message: unknown): unknown {
  const m = message as { type?: string };
  if (m.type === 'attachment_content' || m.type === 'global_attachment_content') return message;
  return redactValue(message);
}

/**
 * Wraps a test's body: whatever it throws is masked before vitest sees it, and the Allure messages it
 * recorded are masked when it ends, failed or not.
 */
export function redacting(body: (t: TestContext) => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    try {
      await body(t);
    } catch (e) {
      throw redactError(e);
    } finally {
      redactMeta(t.task.meta as Record<string, unknown>);
    }
  };
}

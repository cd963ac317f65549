import { expect } from 'vitest';
import { describeExchange, header, json, type Exchange } from '../http/exchange.ts';
import { faultName } from '../protocol.ts';
import { schemaErrors, type SchemaName } from '../schemas.ts';
import type { Profile } from '../../profiles/index.ts';
import type { Operation } from './served.ts';

/** Every success status (2xx): what "succeeds" means where the exact status is another behaviour's rule. */
export const SUCCESS: readonly number[] = Array.from({ length: 100 }, (_, i) => 200 + i);

/** The success statuses of an operation under a profile (reads, writes, DELETE): one table for every test. */
export function successStatuses(profile: Profile, op: Operation): readonly number[] {
  if (op === 'list' || op === 'show') return profile.success.read;
  return op === 'deleteItem' ? profile.success.delete : profile.success.write;
}

/** The response status is one of `allowed`. */
export function expectStatus(ex: Exchange, allowed: readonly number[]): void {
  if (!allowed.includes(ex.response.status)) {
    expect.fail(`expected ${allowed === SUCCESS ? 'a success status' : `status ${allowed.join(' or ')}`}, got ${describeExchange(ex)}`);
  }
}

/** The response body is JSON that satisfies the schema; the message carries ajv's error paths. */
export function expectSchema(ex: Exchange, schema: SchemaName): unknown {
  const body = json(ex);
  if (body === undefined) expect.fail(`expected a JSON body (${schema}), got ${describeExchange(ex)}`);
  const errors = schemaErrors(schema, body);
  if (errors) expect.fail(`response violates schema ${schema}: ${errors} — ${describeExchange(ex)}`);
  return body;
}

/** A collection response: status and schema checked, the map returned. */
export function expectCollection(ex: Exchange, allowed: readonly number[]): Record<string, string> {
  expectStatus(ex, allowed);
  return (expectSchema(ex, 'metadata-collection') as { metadata: Record<string, string> }).metadata;
}

/** An item response: status and schema checked, the one [key, value] returned. */
export function expectItem(ex: Exchange, allowed: readonly number[]): [string, string] {
  expectStatus(ex, allowed);
  const meta = (expectSchema(ex, 'metadata-item') as { meta: Record<string, string> }).meta;
  return Object.entries(meta)[0]!;
}

/** The Nova error envelope for this status: one member named after the status, with code and message. */
export function expectFault(ex: Exchange, status: number): { name: string; message: string } {
  expectStatus(ex, [status]);
  const body = expectSchema(ex, 'compute-fault') as Record<string, { code: number; message: string }>;
  const [name, fault] = Object.entries(body)[0]!;
  // plain comparisons: a passing check adds no "expect(400).toBe(400)" step to the report
  if (name !== faultName(status)) expect.fail(`fault name for ${status}: expected "${faultName(status)}", got "${name}" — ${describeExchange(ex)}`);
  if (fault.code !== status) expect.fail(`fault code equals the HTTP status: expected ${status}, got ${JSON.stringify(fault.code)} — ${describeExchange(ex)}`);
  return { name, message: fault.message };
}

/** An empty body (DELETE 204). */
export function expectEmptyBody(ex: Exchange): void {
  if (ex.response.text.length !== 0) expect.fail(`expected an empty body, got ${describeExchange(ex)}`);
}

/** Maps compare equal as sets of key/value pairs (member order is not significant). */
export function expectSameMap(actual: Record<string, string>, expected: Record<string, string>, what: string): void {
  expect(sortMap(actual), what).toEqual(sortMap(expected));
}

function sortMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export { header };

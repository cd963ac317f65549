import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from './package-root.ts';

/** Names of the response schemas in schemas/ (their `$id`). */
export type SchemaName = 'metadata-collection' | 'metadata-item' | 'compute-fault';

export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
function compiler(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object);
  }
  return ajv;
}

function validator(name: SchemaName): ValidateFunction {
  const fn = compiler().getSchema(name);
  if (!fn) throw new Error(`schema '${name}' is not in ${SCHEMA_DIR}`);
  return fn;
}

function describe(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'propertyName' in e.params ? ` (property '${String(e.params.propertyName)}')` : ''}`).join('; ');
}

/** Validates a body against a schema; returns undefined when valid, else the ajv errors with their paths. */
export function schemaErrors(name: SchemaName, body: unknown): string | undefined {
  const fn = validator(name);
  return fn(body) ? undefined : describe(fn.errors ?? []);
}

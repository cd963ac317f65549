import { describe, expect, test } from 'vitest';
import { schemaErrors } from '../lib/schemas.ts';

describe('response schemas', () => {
  test.each([
    ['metadata-collection', { metadata: {} }],
    ['metadata-collection', { metadata: { a: '1', 'B c': '', 'k:.-_': 'é'.repeat(255) } }],
    ['metadata-collection', { metadata: { [`${'k'.repeat(255)}`]: '😀'.repeat(255) } }],
    ['metadata-item', { meta: { a: '' } }],
    ['compute-fault', { itemNotFound: { code: 404, message: 'Metadata item was not found' } }],
    ['compute-fault', { overLimit: { code: 413, message: 'x', retryAfter: '5' } }],
  ] as const)('%s accepts %j', (schema, body) => {
    expect(schemaErrors(schema, body)).toBeUndefined();
  });

  test.each([
    ['metadata-collection', {}, /required property 'metadata'/],
    ['metadata-collection', { meta: {} }, /required property 'metadata'/],
    ['metadata-collection', { metadata: {}, extra: 1 }, /additional properties/],
    ['metadata-collection', { metadata: [] }, /\/metadata must be object/],
    ['metadata-collection', { metadata: { a: 1 } }, /\/metadata\/a must be string/],
    ['metadata-collection', { metadata: { a: null } }, /\/metadata\/a must be string/],
    ['metadata-collection', { metadata: { '': 'v' } }, /property name/],
    ['metadata-collection', { metadata: { [`${'k'.repeat(256)}`]: 'v' } }, /property name/],
    ['metadata-collection', { metadata: { a: '😀'.repeat(256) } }, /\/metadata\/a must NOT have more than 255 characters/],
    ['metadata-item', { metadata: { a: '1' } }, /required property 'meta'/],
    ['metadata-item', { meta: {} }, /\/meta must NOT have fewer than 1 properties/],
    ['metadata-item', { meta: { a: '1', b: '2' } }, /\/meta must NOT have more than 1 properties/],
    ['metadata-item', { meta: { a: '1' }, metadata: {} }, /additional properties/],
    ['compute-fault', { error: { code: 404 } }, /required property 'message'/],
    ['compute-fault', { itemNotFound: { code: '404', message: 'x' } }, /code must be integer/],
    ['compute-fault', { a: { code: 400, message: 'x' }, b: { code: 400, message: 'y' } }, /more than 1 properties/],
    ['compute-fault', 'Not Found', /must be object/],
  ] as const)('%s rejects %j with the error path', (schema, body, message) => {
    expect(schemaErrors(schema, body)).toMatch(message);
  });
});

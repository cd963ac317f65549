import { Fault } from '../faults.ts';
import type { Implementation } from '../implementation.ts';
import { MAX_VERSION, MIN_VERSION, type Version } from '../microversion.ts';
import type { Mutant } from './types.ts';

/** A version parser that answers `version` where the correct one refuses with `status`. */
function acceptingRefusal(c: Implementation, status: number, version: Version): Implementation['requestedVersion'] {
  return (headers) => {
    try {
      return c.requestedVersion(headers);
    } catch (e) {
      if (e instanceof Fault && e.status === status) return version;
      throw e;
    }
  };
}

/** Mutants of headers, microversions, methods and routing. */
export const protocolMutants: Readonly<Record<string, Mutant>> = {
  'project-less-routes-missing': {
    description: 'only URLs with the project id are routed; /v2.1/servers/{id}/metadata is a 404',
    violates: ['SM-URL-001'],
    patch: () => ({ routesWithoutProject: false }),
  },
  'project-mismatch-404': {
    description: 'a URL project_id other than the token\'s answers 404 instead of 400 "Malformed request URL"',
    violates: ['SM-URL-002'],
    patch: () => ({ projectMismatchStatus: 404 }),
  },
  'project-mismatch-403': {
    description: 'a URL project_id other than the token\'s answers 403 forbidden',
    violates: ['SM-URL-002'],
    patch: () => ({ projectMismatchStatus: 403 }),
  },
  'lookup-before-validation': {
    description: 'the server is looked up before the body is validated (invalid body + unknown server → 404)',
    violates: ['SM-ORDER-001'],
    patch: () => ({ validatesBeforeLookup: false }),
  },
  'unsupported-method-500': {
    description: 'an unsupported method on a metadata URL crashes with 500 computeFault',
    violates: ['SM-METHOD-001'],
    patch: () => ({ unsupportedMethod: 'server-error' }),
  },
  'delete-collection-clears': {
    description: 'DELETE on the collection is routed and removes every key (204)',
    violates: ['SM-METHOD-001'],
    patch: () => ({ unsupportedMethod: 'delete-clears' }),
  },
  'request-id-missing-on-errors': {
    description: 'error responses carry no request-id headers (successes do)',
    violates: ['SM-HDR-001'],
    patch: () => ({ requestIdOn: (status) => status < 400 }),
  },
  'microversion-headers-missing': {
    description: '/v2.1 responses carry no OpenStack-API-Version / X-OpenStack-Nova-API-Version / Vary headers',
    violates: ['SM-HDR-002'],
    patch: () => ({ sendsVersionHeaders: () => false }),
  },
  'microversion-headers-on-v2': {
    description: '/v2 responses carry the microversion headers as /v2.1 does',
    violates: ['SM-HDR-003'],
    patch: () => ({ sendsVersionHeaders: () => true }),
  },
  'success-content-type-text': {
    description: 'success bodies are JSON sent as text/plain',
    violates: ['SM-HDR-004'],
    patch: () => ({ successContentType: 'text/plain; charset=UTF-8' }),
  },
  'xml-accept-refused': {
    description: 'Accept: application/xml is refused with 406 instead of answered with JSON',
    violates: ['SM-HDR-004'],
    patch: () => ({ refusesXmlAccept: true }),
  },
  'invalid-microversion-accepted': {
    description: 'a malformed OpenStack-API-Version is ignored (2.1 used) instead of 400',
    violates: ['SM-VER-001'],
    patch: (c) => ({ requestedVersion: acceptingRefusal(c, 400, MIN_VERSION) }),
  },
  'unsupported-microversion-clamped': {
    description: 'a microversion above the maximum is served at the maximum instead of 406',
    violates: ['SM-VER-001'],
    patch: (c) => ({ requestedVersion: acceptingRefusal(c, 406, MAX_VERSION) }),
  },
  'delete-200-at-newer-microversions': {
    description: 'from microversion 2.2 on, DELETE item answers 200 instead of 204',
    violates: ['SM-VER-002'],
    patch: () => ({ versionedStatus: (op, version, status) => (op === 'deleteItem' && (version[0] > 2 || version[1] > 1) ? 200 : status) }),
  },
  'fault-names-wrong': {
    description: 'some faults carry made-up names: 409 "conflict", 415 "unsupportedMediaType", 406 "notAcceptable"',
    violates: ['SM-ERR-002', 'SM-BODY-001', 'SM-STATE-001', 'SM-STATE-002', 'SM-STATE-003'],
    patch: (c) => ({
      faultBody: (status, message) => {
        const names: Record<number, string> = { 406: 'notAcceptable', 409: 'conflict', 415: 'unsupportedMediaType' };
        return names[status] ? { [names[status]]: { code: status, message } } : c.faultBody(status, message);
      },
    }),
  },
  'state-errors-not-enveloped': {
    description: 'lock and state conflicts (409) are answered as {"message": …} without the Nova envelope',
    violates: ['SM-ERR-003', 'SM-STATE-001', 'SM-STATE-003', 'SM-STATE-002', 'SM-ERR-002'],
    patch: (c) => ({ faultBody: (status, message) => (status === 409 ? { message } : c.faultBody(status, message)) }),
  },
  'merge-answers-201': {
    description: 'POST on the collection answers 201 Created',
    violates: ['SM-STATUS-001', 'SM-MERGE-003'],
    patch: (c) => ({ successStatus: (op, api) => (op === 'merge' ? 201 : c.successStatus(op, api)) }),
  },
  'reads-answer-202': {
    description: 'GET collection and item answer 202 Accepted',
    violates: ['SM-STATUS-001'],
    patch: (c) => ({ successStatus: (op, api) => (op === 'list' || op === 'show' ? 202 : c.successStatus(op, api)) }),
  },
};

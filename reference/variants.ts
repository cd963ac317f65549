import { getProfile, type Profile } from '../profiles/index.ts';
import { Fault } from './faults.ts';
import { correctImplementation, type Implementation } from './implementation.ts';

/** A MySQL/MariaDB utf8 (utf8mb3) column refuses characters outside the Basic Multilingual Plane (error 1366). */
function refuseAstral(text: string): string {
  if (/[\u{10000}-\u{10FFFF}]/u.test(text)) {
    throw new Fault(500, "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'oslo_db.exception.DBError'>");
  }
  return text;
}

/** A correct implementation the suite must pass: the reference itself, or a variant the documents allow. */
export interface CorrectVariant {
  description: string;
  profile: string;
  patch?(correct: Implementation): Partial<Implementation>;
}

export const CORRECT_VARIANTS: Readonly<Record<string, CorrectVariant>> = {
  reference: { description: 'the reference as is (nova rules)', profile: 'nova' },
  'reads-203': {
    description: 'reads answer 203 instead of 200 (seeds 002 and 004 list "200, 203" as normal)',
    profile: 'nova',
    patch: (c) => ({ successStatus: (op, api) => (op === 'list' || op === 'show' ? 203 : c.successStatus(op, api)) }),
  },
  'unsupported-405': {
    description: 'unsupported methods on metadata URLs answer 405 badMethod instead of a 404 route miss (seeds 002 and 004 list 405)',
    profile: 'nova',
    patch: () => ({ unsupportedMethod: 'method-not-allowed' }),
  },
  'no-lock-action': {
    description: 'the lock and unlock actions are not served (400): lock behaviours are not applicable, the run is conformant',
    profile: 'nova',
    patch: () => ({ servesLock: false }),
  },
  'db-utf8mb3': {
    description: 'Nova on MySQL/MariaDB with 3-byte utf8 columns (charset=utf8, as documented): a 4-byte character in a key or value makes the database refuse the write, 500 computeFault',
    profile: 'nova',
    patch: (c) => ({
      storedKey: (k) => c.storedKey(refuseAstral(k)),
      storedValue: (v) => c.storedValue(refuseAstral(v)),
    }),
  },
  'profile-huawei-ecs': { description: 'the reference under the huawei-ecs rules', profile: 'huawei-ecs' },
  'profile-fujitsu-k5': { description: 'the reference under the fujitsu-k5 rules', profile: 'fujitsu-k5' },
  'profile-rackspace': { description: 'the reference under the rackspace rules', profile: 'rackspace' },
};

export function variantImplementation(variant: CorrectVariant): { profile: Profile; implementation: Implementation } {
  const profile = getProfile(variant.profile);
  const correct = correctImplementation(profile);
  return { profile, implementation: { ...correct, ...variant.patch?.(correct) } };
}

import { getProfile, type Profile } from '../profiles/index.ts';
import { correctImplementation, type Implementation } from './implementation.ts';

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
  'profile-huawei-ecs': { description: 'the reference under the huawei-ecs rules', profile: 'huawei-ecs' },
  'profile-fujitsu-k5': { description: 'the reference under the fujitsu-k5 rules', profile: 'fujitsu-k5' },
  'profile-rackspace': { description: 'the reference under the rackspace rules', profile: 'rackspace' },
};

export function variantImplementation(variant: CorrectVariant): { profile: Profile; implementation: Implementation } {
  const profile = getProfile(variant.profile);
  const correct = correctImplementation(profile);
  return { profile, implementation: { ...correct, ...variant.patch?.(correct) } };
}

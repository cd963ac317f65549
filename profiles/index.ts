import { ConfigError } from '../lib/errors.ts';
import { fujitsuK5 } from './fujitsu-k5.ts';
import { huaweiEcs } from './huawei-ecs.ts';
import { nova } from './nova.ts';
import { rackspace } from './rackspace.ts';
import type { Profile } from './types.ts';

export type { Profile } from './types.ts';

/** Shipped profiles: data only; each vendor profile lists its deviations from nova with their sources. */
export const PROFILES: Readonly<Record<string, Profile>> = {
  nova,
  'huawei-ecs': huaweiEcs,
  'fujitsu-k5': fujitsuK5,
  rackspace,
};

export const DEFAULT_PROFILE = 'nova';

export function getProfile(name: string | undefined): Profile {
  const wanted = (name ?? '').trim() || DEFAULT_PROFILE;
  // own properties only: '__proto__' or 'constructor' name no profile
  const profile = Object.hasOwn(PROFILES, wanted) ? PROFILES[wanted] : undefined;
  if (!profile) {
    throw new ConfigError('METACONFORM_PROFILE', `unknown profile '${wanted}' (known: ${Object.keys(PROFILES).join(', ')})`);
  }
  return profile;
}

/** The key rule of a profile as a RegExp. */
export function keyRegExp(profile: Profile): RegExp {
  return new RegExp(profile.keys.pattern);
}

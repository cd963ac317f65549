import { ConfigError } from '../lib/errors.ts';
import { nova } from './nova.ts';
import type { Profile } from './types.ts';

export type { Profile } from './types.ts';

/** Shipped profiles. Vendor profiles (huawei-ecs, fujitsu-k5, rackspace) are added here as data. */
export const PROFILES: Readonly<Record<string, Profile>> = { nova };

export const DEFAULT_PROFILE = 'nova';

export function getProfile(name: string | undefined): Profile {
  const wanted = (name ?? '').trim() || DEFAULT_PROFILE;
  const profile = PROFILES[wanted];
  if (!profile) {
    throw new ConfigError('METACONFORM_PROFILE', `unknown profile '${wanted}' (known: ${Object.keys(PROFILES).join(', ')})`);
  }
  return profile;
}

/** The key rule of a profile as a RegExp. */
export function keyRegExp(profile: Profile): RegExp {
  return new RegExp(profile.keys.pattern);
}

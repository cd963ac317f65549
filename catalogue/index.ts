import { access } from './access.ts';
import { bodies } from './bodies.ts';
import { imageMetadata } from './image-metadata.ts';
import { keysValues } from './keys-values.ts';
import { protocol } from './protocol.ts';
import { sequences } from './sequences.ts';
import { serverMetadata } from './server-metadata.ts';
import type { Behaviour } from './types.ts';

export type { Behaviour, Level, Epic } from './types.ts';

/** The project's behaviour catalogue: one entry per behaviour, coverage is computed from it. */
export const CATALOGUE: readonly Behaviour[] = [...serverMetadata, ...keysValues, ...bodies, ...access, ...imageMetadata, ...protocol, ...sequences];

const byId = new Map(CATALOGUE.map((b) => [b.id, b]));

export function findBehaviour(id: string): Behaviour | undefined {
  return byId.get(id);
}

export function getBehaviour(id: string): Behaviour {
  const behaviour = byId.get(id);
  if (!behaviour) throw new Error(`unknown behaviour ID '${id}': add it to catalogue/ before a test may cite it`);
  return behaviour;
}

export function appliesTo(behaviour: Behaviour, profileName: string): boolean {
  return !behaviour.profiles || behaviour.profiles.includes(profileName);
}

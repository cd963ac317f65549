import { access } from './access.ts';
import { bodies } from './bodies.ts';
import { imageMetadata } from './image-metadata.ts';
import { keysValues } from './keys-values.ts';
import { protocol } from './protocol.ts';
import { sequences } from './sequences.ts';
import { serverMetadata } from './server-metadata.ts';
import type { Behaviour } from './types.ts';

export type { Behaviour, Level, Epic } from './types.ts';

/**
 * The parts of the catalogue, each a file of catalogue/, and the folder of suites/ that holds their tests: a test
 * lives in the folder of its behaviour's part, in the file named for what it exercises (README, "What is
 * checked"; test/layout.test.ts checks it, catalogue/inventory.yaml gives every test's file and line).
 */
export const PARTS: readonly { file: string; suites: string; behaviours: readonly Behaviour[] }[] = [
  { file: 'catalogue/server-metadata.ts', suites: 'suites/server-metadata/', behaviours: serverMetadata },
  { file: 'catalogue/keys-values.ts', suites: 'suites/server-metadata/', behaviours: keysValues },
  { file: 'catalogue/bodies.ts', suites: 'suites/server-metadata/', behaviours: bodies },
  { file: 'catalogue/access.ts', suites: 'suites/access/', behaviours: access },
  { file: 'catalogue/image-metadata.ts', suites: 'suites/image-metadata/', behaviours: imageMetadata },
  { file: 'catalogue/protocol.ts', suites: 'suites/protocol/', behaviours: protocol },
];

/** The project's behaviour catalogue: one entry per behaviour, coverage is computed from it. */
export const CATALOGUE: readonly Behaviour[] = [...PARTS.flatMap((p) => p.behaviours), ...sequences];

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

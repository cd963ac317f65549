import type { Target } from './target.ts';

/**
 * Concurrency that is safe on a shared target. A test that writes a server's (or image's) metadata owns
 * that resource while it runs: replace-all wipes whatever a concurrent test wrote, quota tests count
 * every key, lock tests lock the whole server. So each test leases the resources it uses from its
 * target's pools and returns them when it ends; tests that need a leased resource wait for one.
 *
 * - A real cloud has one server and at most one image: its server tests form one serial lane, its image
 *   tests another, and the two lanes overlap.
 * - The embedded reference makes servers and images free: the runner gives it one of each per lane
 *   (METACONFORM_CONCURRENCY), so that many tests run at once, each on a resource of its own.
 *
 * - The fixture servers (vm_state error, never launched, another project's) are one more lane, shared by
 *   every target kind: their tests send writes that a conformant target refuses, and a non-conformant one
 *   may apply (briefly, for a delete that is put back), so they run one at a time.
 * - A test that only reads or writes servers that do not exist needs no lease at all.
 *
 * Leases are taken in a fixed order (server, image, fixtures), so two tests never wait for each other.
 * A test that touches a resource it did not declare fails at once (see conformance.ts), whatever the
 * concurrency, so a missing declaration cannot pass quietly at concurrency 1 and race at N.
 */
export type LeaseKind = 'server' | 'image' | 'fixtures';

/** Lease kinds in the order they are leased. */
export const LEASE_KINDS: readonly LeaseKind[] = ['server', 'image', 'fixtures'];

class Pool {
  private readonly free: string[];
  private readonly waiting: ((id: string) => void)[] = [];

  constructor(ids: readonly string[]) {
    this.free = [...ids];
  }

  acquire(): Promise<string> {
    const id = this.free.shift();
    return id !== undefined ? Promise.resolve(id) : new Promise((resolve) => this.waiting.push(resolve));
  }

  release(id: string): void {
    const next = this.waiting.shift();
    if (next) next(id);
    else this.free.push(id);
  }
}

/** The ids a lease kind's pool holds for a target: the configured one first, then any extra (embedded reference). */
export function leaseIds(target: Target, kind: LeaseKind): string[] {
  if (kind === 'fixtures') return fixtureServerIds(target).length ? ['fixtures'] : [];
  if (kind === 'server') return [target.serverId, ...(target.extraServerIds ?? [])];
  return target.imageId ? [target.imageId, ...(target.extraImageIds ?? [])] : [];
}

/** The target's fixture servers: the ones a test may only use while it holds the 'fixtures' lease. */
export function fixtureServerIds(target: Target): string[] {
  return [target.errorServerId, target.unlaunchedServerId, target.otherProjectServerId].filter((id): id is string => id !== undefined);
}

/** How many tests can run at once against the target without waiting for a lease. */
export function lanes(target: Target): number {
  return LEASE_KINDS.reduce((n, kind) => n + leaseIds(target, kind).length, 0);
}

const pools = new Map<string, Pool>();

function poolFor(target: Target, kind: LeaseKind): Pool | undefined {
  const ids = leaseIds(target, kind);
  if (!ids.length) return undefined;
  const key = `${target.id}\0${kind}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new Pool(ids)));
  return pool;
}

export interface Leases {
  /** The leased id of each resource kind the test declared (absent when the target has none, e.g. no image). */
  ids: Partial<Record<LeaseKind, string>>;
  release(): void;
}

/** Leases one id of each declared kind, in the fixed order; release() returns them all. */
export async function lease(target: Target, uses: readonly LeaseKind[]): Promise<Leases> {
  const held: [Pool, string][] = [];
  const ids: Partial<Record<LeaseKind, string>> = {};
  for (const kind of LEASE_KINDS) {
    if (!uses.includes(kind)) continue;
    const pool = poolFor(target, kind);
    if (!pool) continue;
    const id = await pool.acquire();
    held.push([pool, id]);
    ids[kind] = id;
  }
  return {
    ids,
    release: () => {
      for (const [pool, id] of held.splice(0)) pool.release(id);
    },
  };
}

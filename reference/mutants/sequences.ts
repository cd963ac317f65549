import { codePoints, type Implementation } from '../implementation.ts';
import type { Metadata } from '../../lib/protocol.ts';

/**
 * Sequence mutants: faults that only a sequence, a size or an order of requests exposes. Each keeps its state
 * per server (Implementation.forServer), so the conformance suites, whose tests each seed their server with a
 * PUT and then send a few requests, never reach the state that shows the fault: they pass against every one of
 * these (test/explore.test.ts proves it). That is why they are not in MUTANTS: the kill matrix requires every
 * mutant there to fail exactly the behaviours it declares in a conformance run. `metaconform explore`
 * (SM-SEQ-001) is what catches them; each states the budget within which it does (test/explore.test.ts).
 */
export interface SequenceMutant {
  description: string;
  /** What a sequence must do to expose the fault. */
  exposedBy: string;
  /**
   * Requests of `metaconform explore` within which it is caught, with each of the seeds 1, 2 and 3 (checked by
   * test/explore.test.ts; the default budget is 300: a nightly gate with a new seed each night catches it within
   * a night or a few).
   */
  budget: number;
  /** The faulty decisions for one server: called once per server, so its closures hold that server's state. */
  perServer(correct: Implementation): Partial<Implementation>;
}

const size = (map: Metadata) => Object.keys(map).length;

/**
 * Which write just succeeded, for a fault that counts successful writes: the reference computes the new set
 * (replaceAll, merge, setItem, deleteItem) before its quota check, and builds the answer's body only once the
 * write is stored; DELETE item computes the new set only when it is about to store it.
 */
function writeTracker(c: Implementation, on: { stored(op: 'replaceAll' | 'merge' | 'setItem' | 'deleteItem', next: Metadata): void; read?(): void }): Partial<Implementation> {
  let pendingSet: Metadata | undefined;
  const reading = () => {
    pendingSet = undefined;
    on.read?.();
  };
  return {
    replaceAll: (current, requested) => {
      pendingSet = undefined;
      return c.replaceAll(current, requested);
    },
    replaceBody: (requested, stored) => {
      on.stored('replaceAll', stored);
      return c.replaceBody(requested, stored);
    },
    merge: (current, requested) => {
      pendingSet = undefined;
      return c.merge(current, requested);
    },
    mergeBody: (requested, stored) => {
      on.stored('merge', stored);
      return c.mergeBody(requested, stored);
    },
    setItem: (current, k, v) => (pendingSet = c.setItem(current, k, v)),
    itemBody: (k, v) => {
      if (pendingSet) on.stored('setItem', pendingSet);
      pendingSet = undefined;
      return c.itemBody(k, v);
    },
    deleteItem: (current, k) => {
      pendingSet = undefined;
      const next = c.deleteItem(current, k);
      on.stored('deleteItem', next);
      return next;
    },
    listView: (map, query) => {
      reading();
      return c.listView(map, query);
    },
    lookup: (current, k, op) => {
      reading();
      return c.lookup(current, k, op);
    },
  };
}

export const SEQUENCE_MUTANTS: Readonly<Record<string, SequenceMutant>> = {
  'list-stale-after-third-delete': {
    description: 'the list is answered from a write-through cache, and the cache forgets to drop deleted keys after two DELETE items: from the 3rd successful DELETE item since the last PUT of the set, the deleted keys stay in GET {S}, with their old values, until the next PUT (GET item says 404, the stored set is right)',
    exposedBy: 'three successful DELETE items (no PUT {S} between), then a list',
    budget: 700,
    perServer: (c) => {
      let deletes = 0;
      const lingering = new Map<string, string>();
      const tracked = writeTracker(c, {
        stored: (op, next) => {
          if (op === 'replaceAll') {
            deletes = 0;
            lingering.clear();
          }
          for (const k of [...lingering.keys()].filter((k) => Object.hasOwn(next, k))) lingering.delete(k);
        },
      });
      return {
        ...tracked,
        deleteItem: (current, k) => {
          if (++deletes >= 3) lingering.set(k, current[k]!);
          return tracked.deleteItem!(current, k);
        },
        listView: (map, query) => ({ ...Object.fromEntries(lingering), ...tracked.listView!(map, query) }),
      };
    },
  },
  'quota-merge-counted-as-one-above-50': {
    description: 'above 50 stored items, POST counts the stored items plus one against the quota, however many new keys it adds (a batch insert counted as one row): a POST adding several keys to a server holding more than 50 exceeds the limit unrefused',
    exposedBy: 'a set of more than 50 items, then a POST of two or more new keys that takes it past the limit',
    budget: 600,
    perServer: (c) => ({
      quotaCount: (op, current, next) => (op === 'merge' && size(current) > 50 ? size(current) + (size(next) > size(current) ? 1 : 0) : c.quotaCount(op, current, next)),
    }),
  },
  'delete-resurrected-by-merge': {
    description: 'DELETE item only marks the row deleted and POST reads the rows with the deleted ones: a key deleted since the last PUT of the set comes back, with its old value, with the next POST',
    exposedBy: 'a DELETE item of a stored key, then a POST (no PUT {S} between)',
    budget: 300,
    perServer: (c) => {
      const deleted = new Map<string, string>();
      return {
        replaceAll: (current, requested) => {
          deleted.clear();
          return c.replaceAll(current, requested);
        },
        deleteItem: (current, k) => {
          deleted.set(k, current[k]!);
          return c.deleteItem(current, k);
        },
        setItem: (current, k, v) => {
          deleted.delete(k);
          return c.setItem(current, k, v);
        },
        merge: (current, requested) => {
          const next = c.merge({ ...Object.fromEntries(deleted), ...current }, requested);
          deleted.clear();
          return next;
        },
      };
    },
  },
  'v2-show-stale-after-overwrite': {
    description: '/v2 (the legacy app) answers GET item from its own cache, which a PUT item through /v2.1 that overwrites a key does not refresh (writes through /v2, DELETE item, POST and PUT of the set do): after PUT item on /v2.1 of a key that existed, GET item of it on /v2 answers the old value while /v2.1 and the lists answer the new one',
    exposedBy: 'PUT item on /v2.1 of a key that existed (another value), then GET item of that key on /v2',
    budget: 800,
    perServer: (c) => {
      const old = new Map<string, string>();
      let overwrite: { key: string; before: string | undefined } | undefined;
      let showing = false;
      return {
        setItem: (current, k, v) => {
          showing = false;
          overwrite = { key: k, before: Object.hasOwn(current, k) && current[k] !== v ? current[k] : undefined };
          return c.setItem(current, k, v);
        },
        deleteItem: (current, k) => {
          old.delete(k);
          return c.deleteItem(current, k);
        },
        merge: (current, requested) => {
          for (const k of Object.keys(requested)) old.delete(k);
          return c.merge(current, requested);
        },
        replaceAll: (current, requested) => {
          old.clear();
          return c.replaceAll(current, requested);
        },
        lookup: (current, k, op) => {
          showing = op === 'show';
          return c.lookup(current, k, op);
        },
        listView: (map, query) => {
          showing = false;
          return c.listView(map, query);
        },
        finishBody: (api, body) => {
          const [shown, written] = [showing, overwrite];
          showing = false;
          overwrite = undefined;
          const meta = (body as { meta?: Record<string, string> } | undefined)?.meta;
          const [key] = Object.keys(meta ?? {});
          if (written && key === written.key) {
            // the answer of a stored PUT item: through /v2 it refreshes /v2's cache, through /v2.1 it does not
            if (api === 'v2') old.delete(key);
            else if (written.before !== undefined && !old.has(key)) old.set(key, written.before);
          }
          if (!shown || api !== 'v2' || key === undefined || !old.has(key)) return c.finishBody(api, body);
          return c.finishBody(api, { meta: { [key]: old.get(key)! } });
        },
      };
    },
  },
  'key-255-refused-above-64-items': {
    description: 'the key length limit is checked against a width cached from the server\'s row count as last seen: once the server held more than 64 items, a key of the full maximum length (255) is refused with 400',
    exposedBy: 'a set of more than 64 items, then a write of a key of the maximum length',
    budget: 900,
    perServer: (c) => {
      let seen = 0;
      const look = (map: Metadata) => {
        seen = size(map);
        return map;
      };
      return {
        keyValid: (k) => c.keyValid(k) && !(seen > 64 && codePoints(k) === c.profile.keys.maxLength),
        listView: (map, query) => c.listView(look(map), query),
        lookup: (current, k, op) => c.lookup(look(current), k, op),
        replaceBody: (requested, stored) => c.replaceBody(requested, look(stored)),
        mergeBody: (requested, stored) => c.mergeBody(requested, look(stored)),
        setItem: (current, k, v) => c.setItem(look(current), k, v),
        deleteItem: (current, k) => c.deleteItem(look(current), k),
      };
    },
  },
};

/** The implementation with a sequence mutant injected: each server gets its own faulty decisions (and state). */
export function withSequenceMutant(correct: Implementation, mutant: SequenceMutant): Implementation {
  const servers = new Map<string, Implementation>();
  return {
    ...correct,
    forServer: (serverId) => {
      let impl = servers.get(serverId);
      if (!impl) servers.set(serverId, (impl = { ...correct, ...mutant.perServer(correct) }));
      return impl;
    },
  };
}

import { randomUUID } from 'node:crypto';

/** vm_states in which Nova allows metadata writes (nova/compute/api.py:update_instance_metadata). */
export const WRITABLE_VM_STATES = ['active', 'paused', 'suspended', 'stopped'] as const;

export interface Server {
  id: string;
  name: string;
  projectId: string;
  metadata: Map<string, string>;
  vmState: string;
  launched: boolean;
  locked: boolean;
  /** Server tags (microversion 2.26): a set, as Nova's tags table keys them by (resource_id, tag). */
  tags: Set<string>;
}

export interface Image {
  id: string;
  properties: Map<string, string>;
}

/** In-memory state of one reference instance; nothing outlives the process. */
export class Store {
  readonly servers = new Map<string, Server>();
  readonly images = new Map<string, Image>();
  /**
   * Servers deleted here, with their project: Nova keeps a deleted server's instance mapping (until it is
   * archived), so some APIs (server tags) still find the mapping and then miss the instance.
   */
  readonly deletedServers = new Map<string, string>();

  createServer(projectId: string, init: Partial<Omit<Server, 'metadata' | 'projectId' | 'tags'>> & { metadata?: Record<string, string>; tags?: readonly string[] } = {}): Server {
    const id = init.id ?? randomUUID();
    const server: Server = {
      id,
      name: init.name ?? `fixture-${id.slice(0, 8)}`,
      projectId,
      metadata: new Map(Object.entries(init.metadata ?? {})),
      vmState: init.vmState ?? 'active',
      launched: init.launched ?? true,
      locked: init.locked ?? false,
      tags: new Set(init.tags ?? []),
    };
    this.servers.set(server.id, server);
    return server;
  }

  /** Deletes a server (its instance mapping stays behind). */
  deleteServer(id: string): void {
    const server = this.servers.get(id);
    if (!server) return;
    this.servers.delete(id);
    this.deletedServers.set(id, server.projectId);
  }

  createImage(init: { id?: string; properties?: Record<string, string> } = {}): Image {
    const image: Image = { id: init.id ?? randomUUID(), properties: new Map(Object.entries(init.properties ?? {})) };
    this.images.set(image.id, image);
    return image;
  }
}

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
}

export interface Image {
  id: string;
  properties: Map<string, string>;
}

/** In-memory state of one reference instance; nothing outlives the process. */
export class Store {
  readonly servers = new Map<string, Server>();
  readonly images = new Map<string, Image>();

  createServer(projectId: string, init: Partial<Omit<Server, 'metadata' | 'projectId'>> & { metadata?: Record<string, string> } = {}): Server {
    const id = init.id ?? randomUUID();
    const server: Server = {
      id,
      name: init.name ?? `fixture-${id.slice(0, 8)}`,
      projectId,
      metadata: new Map(Object.entries(init.metadata ?? {})),
      vmState: init.vmState ?? 'active',
      launched: init.launched ?? true,
      locked: init.locked ?? false,
    };
    this.servers.set(server.id, server);
    return server;
  }

  createImage(init: { id?: string; properties?: Record<string, string> } = {}): Image {
    const image: Image = { id: init.id ?? randomUUID(), properties: new Map(Object.entries(init.properties ?? {})) };
    this.images.set(image.id, image);
    return image;
  }
}

/** Encodes a metadata key as one URL path segment (space → %20, ':' → %3A, '.' kept, UTF-8 percent-encoded). */
export function encodeKey(key: string): string {
  if (key === '.' || key === '..') {
    throw new Error(`key '${key}' cannot be addressed through an item URL (dot-segments are normalised by URL parsers)`);
  }
  return encodeURIComponent(key);
}

export type Resource = 'servers' | 'images';

/** `/servers/{id}/metadata[/{key}]` or `/images/{id}/metadata[/{key}]`, relative to an API base. */
export function metadataPath(resource: Resource, id: string, key?: string): string {
  const collection = `/${resource}/${encodeURIComponent(id)}/metadata`;
  return key === undefined ? collection : `${collection}/${encodeKey(key)}`;
}

import { Fault } from './faults.ts';

/** Microversion range of the reference, the same as Nova Zed (nova/api/openstack/api_version_request.py). */
export const MIN_VERSION: [number, number] = [2, 1];
export const MAX_VERSION: [number, number] = [2, 93];

export type Version = [number, number];

export function formatVersion(v: Version): string {
  return `${v[0]}.${v[1]}`;
}

export function compareVersion(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Reads the requested microversion of a /v2.1 request (OpenStack-API-Version first, then the legacy header). */
export function requestedVersion(headers: Record<string, string | string[] | undefined>): Version {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  let raw: string | undefined;
  const modern = one('openstack-api-version');
  if (modern !== undefined) {
    const entry = modern
      .split(',')
      .map((s) => s.trim().split(/\s+/))
      .find(([service]) => service?.toLowerCase() === 'compute');
    raw = entry?.[1];
  }
  if (raw === undefined) raw = one('x-openstack-nova-api-version')?.trim();
  if (raw === undefined || raw === '') return MIN_VERSION;
  if (raw === 'latest') return MAX_VERSION;
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(raw);
  if (!m) throw new Fault(400, `API Version String ${raw} is of invalid format. Must be of format MajorNum.MinorNum.`);
  const v: Version = [Number(m[1]), Number(m[2])];
  if (compareVersion(v, MIN_VERSION) < 0 || compareVersion(v, MAX_VERSION) > 0) {
    const fault = new Fault(406, `Version ${raw} is not supported by the API. Minimum is ${formatVersion(MIN_VERSION)} and maximum is ${formatVersion(MAX_VERSION)}.`);
    (fault as Fault & { echo?: Version }).echo = v;
    throw fault;
  }
  return v;
}

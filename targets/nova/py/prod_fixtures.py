"""Creates (or resets) the production-shaped target's fixtures. Run with Debian's /usr/bin/python3.

Through the APIs (Keystone tokens, Nova, Glance): a flavor, a public image with a fixed id and two
properties (owned by the suite's project, so its members can write them through Nova's image-metadata
proxy), a tiny public bootable image, and four servers booted with "networks": "none" on the fake
driver: a writable ACTIVE one, one put in vm_state ERROR (os-resetState), one whose launched_at is then
cleared, and one of the other project. Their ids are kept in a JSON state file, so a second run finds
the same servers (one that is gone is booted again).

Then every server is put back in its known state through nova.objects (as Nova itself writes it): its
vm_state, no task, unlocked, its original metadata, no tags, launched_at set (unset for the never-launched
one). The image gets its original properties back. Prints a JSON document with the ids.
"""
import argparse
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from os_rest import call, password_token, wait_for
from image_fixture import BLOB, PROPERTIES

# role: (server name, owner, vm_state after reset, launched, original metadata)
SERVERS = {
    'server': ('fixture-active', 'member', 'active', True, {'created-by': 'metaconform'}),
    'error_server': ('fixture-error', 'member', 'error', True, {'fixture': 'error-state'}),
    'unlaunched_server': ('fixture-unlaunched', 'member', 'active', False, {'fixture': 'unlaunched'}),
    'other_project_server': ('fixture-other-project', 'other', 'active', True, {'fixture': 'other-project'}),
}
log = lambda line: print(line, file=sys.stderr)  # noqa: E731
MV = {'OpenStack-API-Version': 'compute 2.37'}


def ensure_flavor(compute, token, flavor_id):
    status, _, _ = call('GET', f'{compute}/flavors/{flavor_id}', token=token, ok=(200, 404))
    if status == 404:
        call('POST', f'{compute}/flavors', {'flavor': {'name': flavor_id, 'id': flavor_id, 'ram': 64, 'vcpus': 1, 'disk': 1}}, token=token)
        log(f'flavor {flavor_id}: created (1 vCPU, 64 MB, 1 GB)')


def ensure_image(glance, token, image_id, name, owner, properties, reset):
    images = f'{glance}/v2/images'
    status, image, _ = call('GET', f'{images}/{image_id}', token=token, ok=(200, 404))
    action = 'reset' if reset else 'present'
    if status == 404:
        body = {'id': image_id, 'name': name, 'disk_format': 'raw', 'container_format': 'bare', 'visibility': 'public', **properties}
        if owner:
            body['owner'] = owner
        _, image, _ = call('POST', images, body, token=token, ok=(201,))
        action = 'created'
    if image['status'] == 'queued':
        call('PUT', f'{images}/{image_id}/file', BLOB, token=token, content_type='application/octet-stream', ok=(204,))
    ops = []
    if reset:
        _, schema, _ = call('GET', f'{glance}/v2/schemas/image', token=token)
        core = set(schema['properties'])
        esc = lambda k: '/' + k.replace('~', '~0').replace('/', '~1')  # noqa: E731
        ops = [{'op': 'remove', 'path': esc(k)} for k in image if k not in core and k not in properties]
        ops += [{'op': 'add', 'path': esc(k), 'value': v} for k, v in properties.items() if image.get(k) != v]
        ops += [{'op': 'replace', 'path': esc(k), 'value': 0} for k in ('min_ram', 'min_disk') if image.get(k) != 0]
        if ops:
            call('PATCH', f'{images}/{image_id}', ops, token=token, content_type='application/openstack-images-v2.1-json-patch')
    log(f'image {image_id} ({name}): {action}' + (f' ({len(ops)} change(s))' if ops and action == 'reset' else ''))


def boot(compute, token, name, flavor, image):
    _, body, _ = call('POST', f'{compute}/servers', {'server': {'name': name, 'flavorRef': flavor, 'imageRef': image, 'networks': 'none'}},
                      token=token, headers=MV, ok=(202,))
    sid = body['server']['id']

    def active():
        _, s, _ = call('GET', f'{compute}/servers/{sid}', token=token, headers=MV)
        if s['server']['status'] == 'ERROR':
            raise RuntimeError(f"server {name} ({sid}) went to ERROR: {s['server'].get('fault')}")
        return s['server']['status'] == 'ACTIVE'
    wait_for(f'server {name} ({sid}) ACTIVE', active, 180, 0.5)
    return sid


def reset_servers(config_file, ids):
    """Puts every fixture server back in its known state, through nova.objects."""
    from oslo_utils import timeutils
    from nova import config, context, objects
    from nova.compute import power_state, vm_states
    objects.register_all()
    config.parse_args(['prod_fixtures', '--config-file', config_file])
    ctxt = context.get_admin_context()
    for role, sid in ids.items():
        name, _, vm_state, launched, metadata = SERVERS[role]
        mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, sid)
        with context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            inst = objects.Instance.get_by_uuid(cctxt, sid, expected_attrs=['metadata', 'system_metadata', 'tags'])
            inst.vm_state = vm_states.ERROR if vm_state == 'error' else vm_states.ACTIVE
            inst.power_state = power_state.RUNNING
            inst.task_state = None
            inst.locked = False
            inst.locked_by = None
            if launched and inst.launched_at is None:
                inst.launched_at = timeutils.utcnow()
            if not launched:
                inst.launched_at = None
            inst.metadata = dict(metadata)
            inst.system_metadata = {k: v for k, v in inst.system_metadata.items() if k != 'locked_reason'}
            inst.save()
            if inst.tags:
                objects.TagList.destroy(cctxt, sid)
        log(f'server {sid} ({name}): reset to vm_state {inst.vm_state}, launched_at {"set" if launched else "unset"}, unlocked, original metadata, no tags')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--spec', required=True, help='JSON: auth_url, compute, glance, flavor, image, boot_image, users, projects')
    parser.add_argument('--state', required=True, help='JSON file remembering the fixture servers')
    parser.add_argument('--nova-config', required=True)
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    auth, compute, glance = spec['auth_url'], spec['compute'], spec['glance']
    # every identity the settings name must log in (the reader and the application credential are not used here)
    tokens = {who: password_token(auth, u['name'], u['password'], u['project'])[0] for who, u in spec['users'].items()}
    ac = spec['application_credential']
    call('POST', f'{auth}/v3/auth/tokens', {'auth': {'identity': {'methods': ['application_credential'], 'application_credential': {
        'id': ac['id'], 'secret': ac['secret']}}}}, ok=(201,))
    admin = tokens['admin']

    ensure_flavor(compute, admin, spec['flavor'])
    ensure_image(glance, admin, spec['image'], 'metaconform-image', spec['project_id'], PROPERTIES, reset=True)
    ensure_image(glance, admin, spec['boot_image'], 'metaconform-boot-image', None, {}, reset=False)

    ids = {}
    if os.path.exists(args.state):
        with open(args.state) as f:
            ids = json.load(f)
    missing = []
    for role in SERVERS:
        sid = ids.get(role)
        if sid:
            status, body, _ = call('GET', f'{compute}/servers/{sid}', token=admin, headers=MV, ok=(200, 404))
            if status == 200 and body['server']['status'] not in ('DELETED', 'SOFT_DELETED'):
                continue
            log(f'server {role} ({sid}) is gone: booting another')
        missing.append(role)
    if missing:
        log(f"booting {', '.join(SERVERS[r][0] for r in missing)} (networks none, fake driver)")
        with ThreadPoolExecutor(len(missing)) as pool:
            futures = {r: pool.submit(boot, compute, tokens[SERVERS[r][1]], SERVERS[r][0], spec['flavor'], spec['boot_image']) for r in missing}
            for role, future in futures.items():
                ids[role] = future.result()
                log(f'server {ids[role]} ({SERVERS[role][0]}): booted, ACTIVE')
        with open(args.state, 'w') as f:
            json.dump(ids, f)
        if 'error_server' in missing:
            call('POST', f"{compute}/servers/{ids['error_server']}/action", {'os-resetState': {'state': 'error'}}, token=admin)
    reset_servers(args.nova_config, ids)
    json.dump(ids, sys.stdout)
    print()


if __name__ == '__main__':
    main()

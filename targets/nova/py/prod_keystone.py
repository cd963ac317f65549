"""Creates (or checks) the production-shaped target's Keystone content through Keystone's own API.

Reads a JSON spec on stdin (auth URL, the bootstrap admin's password, the services' users and endpoints,
the suite's projects and users with their passwords, the application credential's secret) and prints
a JSON document with the ids on stdout. Idempotent: what exists is found by name and kept; an endpoint
whose URL changed is updated; a user whose password no longer logs in gets it set again; the
application credential is recreated (same secret) when it no longer authenticates.
"""
import json
import sys

from os_rest import HttpError, call, password_token

spec = json.load(sys.stdin)
AUTH = spec['auth_url']
V3 = f'{AUTH}/v3'
log = lambda line: print(line, file=sys.stderr)  # noqa: E731

admin_token, _ = password_token(AUTH, 'admin', spec['admin_password'], 'admin')


def find(collection, key, **filters):
    query = '&'.join(f'{k}={v}' for k, v in filters.items())
    _, body, _ = call('GET', f'{V3}/{collection}?{query}', token=admin_token)
    return body[key]


def ensure_one(collection, key, name, create_body, **filters):
    found = find(collection, collection, name=name, **filters)
    if found:
        return found[0]['id']
    _, body, _ = call('POST', f'{V3}/{collection}', {key: {'name': name, **create_body}}, token=admin_token)
    log(f'created {key} {name}')
    return body[key]['id']


DOMAIN = 'default'
roles = {r['name']: r['id'] for r in find('roles', 'roles')}
for needed in ('admin', 'member', 'reader'):
    if needed not in roles:
        sys.exit(f'role {needed} is missing (keystone-manage bootstrap makes it)')

projects = {}
for project in spec['projects']:
    projects[project] = ensure_one('projects', 'project', project, {'domain_id': DOMAIN, 'description': 'metaconform'}, domain_id=DOMAIN)

users = {}
for user in spec['users']:
    name, password, project, role = user['name'], user['password'], user['project'], user['role']
    uid = ensure_one('users', 'user', name, {'domain_id': DOMAIN, 'password': password, 'default_project_id': projects[project]}, domain_id=DOMAIN)
    users[name] = uid
    call('PUT', f'{V3}/projects/{projects[project]}/users/{uid}/roles/{roles[role]}', token=admin_token)
    try:
        password_token(AUTH, name, password, project)
    except HttpError as e:
        if e.status != 401:
            raise
        call('PATCH', f'{V3}/users/{uid}', {'user': {'password': password}}, token=admin_token)
        log(f'password of user {name} set again')
        password_token(AUTH, name, password, project)

# services and their endpoints (public and internal; identity's come from keystone-manage bootstrap)
for svc in spec['services']:
    found = [s for s in find('services', 'services', type=svc['type']) if s['name'] == svc['name']]
    if found:
        sid = found[0]['id']
    else:
        _, body, _ = call('POST', f'{V3}/services', {'service': {'name': svc['name'], 'type': svc['type'], 'enabled': True}}, token=admin_token)
        sid = body['service']['id']
        log(f"created service {svc['name']} ({svc['type']})")
    existing = find('endpoints', 'endpoints', service_id=sid)
    for interface in ('public', 'internal'):
        mine = [e for e in existing if e['interface'] == interface and e.get('region_id') == spec['region']]
        if not mine:
            call('POST', f'{V3}/endpoints', {'endpoint': {'service_id': sid, 'interface': interface, 'url': svc['url'], 'region_id': spec['region'], 'enabled': True}}, token=admin_token)
            log(f"created {interface} endpoint {svc['url']} for {svc['name']}")
        elif mine[0]['url'] != svc['url']:
            call('PATCH', f"{V3}/endpoints/{mine[0]['id']}", {'endpoint': {'url': svc['url']}}, token=admin_token)
            log(f"updated {interface} endpoint of {svc['name']} to {svc['url']}")

# the application credential of the member user (its secret is ours, so it survives a recreation)
ac = spec['application_credential']
ac_user, ac_project = ac['user'], ac['project']
ac_password = next(u['password'] for u in spec['users'] if u['name'] == ac_user)
user_token, _ = password_token(AUTH, ac_user, ac_password, ac_project)
uid = users[ac_user]
_, body, _ = call('GET', f"{V3}/users/{uid}/application_credentials?name={ac['name']}", token=user_token)
existing = body['application_credentials']
ac_id = existing[0]['id'] if existing else None
if ac_id:
    try:
        call('POST', f'{V3}/auth/tokens', {'auth': {'identity': {'methods': ['application_credential'], 'application_credential': {
            'id': ac_id, 'secret': ac['secret']}}}}, ok=(201,))
    except HttpError as e:
        if e.status != 401:
            raise
        call('DELETE', f'{V3}/users/{uid}/application_credentials/{ac_id}', token=user_token)
        log(f"application credential {ac['name']} no longer authenticates: recreated")
        ac_id = None
if not ac_id:
    _, body, _ = call('POST', f'{V3}/users/{uid}/application_credentials', {'application_credential': {
        'name': ac['name'], 'secret': ac['secret'], 'description': 'metaconform suite'}}, token=user_token)
    ac_id = body['application_credential']['id']
    log(f"created application credential {ac['name']}")

json.dump({'projects': projects, 'users': users, 'application_credential_id': ac_id}, sys.stdout)
print()

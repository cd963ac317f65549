#!/usr/bin/python3
"""`npm run bench`'s side of the production-shaped Nova (targets/nova/prod-up.sh): where it is, what the admin
sees on it, and Tempest's metadata tests timed on it. Debian's /usr/bin/python3, standard library only (plus
python3-tempest for `tempest`). Each subcommand prints one JSON document on stdout:

    nova_bench.py frontends  [--env FILE]   the suite's settings for both nova-api front ends; exit 3 when
                                             Keystone does not answer, 2 when FILE does not exist
    nova_bench.py admin-view [--env FILE]   every project's servers and every image (the admin's view)
    nova_bench.py tempest    [--env FILE]   times Tempest 33's server- and image-metadata tests (below)

FILE defaults to BENCH_NOVA_ENV, else /var/tmp/metaconform-nova-prod/env (written by prod-up.sh).

`tempest` writes a throw-away workspace (tempest.conf, accounts.yaml, .stestr.conf, logs) in a temporary
folder (mode 700: it holds the member's password), runs `tempest run --concurrency 1` there with HOME
pointing at it (nothing lands in ~/.tempest), and removes it. It reports the wall time of each `tempest
run`, the tests and their outcomes, the requests Tempest sent (from its own log, per service and per test),
and what the admin sees before and after: Tempest deletes what it creates (servers and images named
tempest-...), and `leftBehind` says whether it did. Exit 0 when every test passed and nothing was left.

Why two `tempest run`s. Tempest sets one microversion range for a whole run ([compute] min_microversion),
and the two halves need different ones here:
  * the server-metadata classes boot a server without a network. Below microversion 2.37 Nova then asks
    Neutron for the project's port quota, which this target's Neutron stand-in (py/neutron_stub.py) does
    not answer (Nova: 500, KeyError 'quota'); from 2.37 Tempest sends "networks": "none" itself
    (tempest/api/compute/base.py), so they run with min_microversion = 2.37;
  * the image-metadata class waits for its new image through GET /v2.1/images/{id}, an image-proxy API that
    Nova serves up to 2.35 only (404 from 2.36), so it runs with Tempest's default (no header: 2.1).
Each run pays Tempest's start-up (Python, test discovery, stestr's listing) once; `wallSecondsOneInvocation`
takes the smaller start-up off the sum: what one run of all 31 tests would take where one configuration
fits both halves (a Neutron that answers the quota query).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'py'))
from os_rest import call, password_token  # noqa: E402  (the target's own stdlib-only REST helpers)

SERVER_REGEX = r'^tempest\.api\.compute\.servers\.test_server_metadata(_negative)?\.'
IMAGE_REGEX = r'^tempest\.api\.compute\.images\.test_image_metadata(_negative)?\.'

# name, regex, extra [compute] settings, why
INVOCATIONS = [
    ('server-metadata', SERVER_REGEX, {'min_microversion': '2.37', 'max_microversion': 'latest'},
     'servers boot with "networks": "none" (from 2.37)'),
    ('image-metadata', IMAGE_REGEX, {},
     'default microversion 2.1: GET /v2.1/images/{id} (its wait for the image) is served up to 2.35 only'),
]


def read_env(path):
    """The `export NAME=value` lines of prod-up.sh's env file."""
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$', line.strip())
            if m:
                value = m.group(2)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in '\'"':
                    value = value[1:-1]
                env[m.group(1)] = value
    return env


def tempest_conf(ws, env, compute_extra):
    """The tempest.conf of one invocation: only what differs from Tempest's defaults."""
    identity = env['OS_AUTH_URL'].rstrip('/')
    if not identity.endswith('/v3'):
        identity += '/v3'
    region = env.get('OS_REGION_NAME', 'RegionOne')
    compute = {
        **compute_extra,
        'image_ref': env['METACONFORM_BOOT_IMAGE'],
        'image_ref_alt': env['METACONFORM_BOOT_IMAGE'],
        'flavor_ref': env['METACONFORM_FLAVOR'],
        'flavor_ref_alt': env['METACONFORM_FLAVOR'],
        'region': region,
        'endpoint_type': 'publicURL',
        'build_timeout': '300',
    }
    sections = {
        'DEFAULT': {'log_dir': os.path.join(ws, 'logs'), 'log_file': 'tempest.log'},
        'oslo_concurrency': {'lock_path': os.path.join(ws, 'lock')},
        # pre-provisioned credentials: the member of prod-up.sh, no admin needed, no project created
        'auth': {'use_dynamic_credentials': 'False', 'test_accounts_file': os.path.join(ws, 'etc', 'accounts.yaml'),
                 'default_credentials_domain_name': env.get('OS_USER_DOMAIN_NAME', 'Default')},
        'identity': {'uri_v3': identity, 'auth_version': 'v3', 'region': region, 'v3_endpoint_type': 'public'},
        'identity-feature-enabled': {'api_v2': 'False'},
        'service_available': {'nova': 'True', 'glance': 'True', 'neutron': 'False', 'cinder': 'False',
                              'swift': 'False'},
        'compute': compute,
        # the server-metadata write tests are skipped unless this is set (Tempest: "Metadata is read-only on
        # non-Xen-based deployments"), though Nova serves them on every driver
        'compute-feature-enabled': {'xenapi_apis': 'True'},
        'image': {'region': region, 'endpoint_type': 'public'},
        'image-feature-enabled': {'api_v1': 'False', 'api_v2': 'True'},
        'validation': {'run_validation': 'False'},
    }
    return ''.join(f'[{name}]\n' + ''.join(f'{k} = {v}\n' for k, v in opts.items()) + '\n'
                   for name, opts in sections.items())


def accounts_yaml(env):
    q = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731  (YAML single-quoted scalar)
    return (f"- username: {q(env['OS_USERNAME'])}\n  password: {q(env['OS_PASSWORD'])}\n"
            f"  project_name: {q(env['OS_PROJECT_NAME'])}\n"
            f"  user_domain_name: {q(env.get('OS_USER_DOMAIN_NAME', 'Default'))}\n"
            f"  project_domain_name: {q(env.get('OS_PROJECT_DOMAIN_NAME', 'Default'))}\n")


TEST_LINE = re.compile(r'^\{\d+\} (\S+?)(?:\[[^\]]*\])? \[[\d.]+s\] \.\.\. (ok|FAILED|SKIPPED(?::.*)?)$')
REQUEST_LINE = re.compile(r'Request \(([^)]*)\): (\d{3}) ([A-Z]+) (\S+) ([\d.]+)s')


def parse_output(out):
    tests = {}
    for line in out.splitlines():
        m = TEST_LINE.match(line.strip())
        if m:
            tests[m.group(1)] = 'skipped' if m.group(2).startswith('SKIPPED') else ('passed' if m.group(2) == 'ok' else 'failed')
    ran = re.search(r'^Ran: (\d+) tests? in ([\d.]+) sec', out, re.M)
    return tests, (float(ran.group(2)) if ran else None)


def parse_requests(log_path, compute_ports):
    """Every request Tempest's REST client logged: per service and per test (setUpClass/tearDownClass apart)."""
    per_service, per_test, total = {}, {}, 0
    if not os.path.exists(log_path):
        return {'total': 0, 'perService': {}, 'perTest': {}}
    with open(log_path, errors='replace') as f:
        for line in f:
            m = REQUEST_LINE.search(line)
            if not m:
                continue
            total += 1
            url = m.group(4)
            if '/auth/tokens' in url:
                service = 'identity'
            elif any(f':{p}/' in url for p in compute_ports):
                service = 'compute'
            else:
                service = 'image'
            per_service[service] = per_service.get(service, 0) + 1
            per_test[m.group(1)] = per_test.get(m.group(1), 0) + 1
    return {'total': total, 'perService': per_service, 'perTest': per_test}


def admin_view(env, admin_password):
    """What the admin sees: every project's servers (not deleted) and every image, by id → name."""
    auth = env['OS_AUTH_URL'].rstrip('/')
    auth = auth[:-3] if auth.endswith('/v3') else auth
    token, body = password_token(auth, 'admin', admin_password, 'admin')
    region = env.get('OS_REGION_NAME', 'RegionOne')

    def endpoint(kind):
        for svc in body['catalog']:
            if svc['type'] == kind:
                for ep in svc['endpoints']:
                    if ep['interface'] == 'public' and ep.get('region_id', ep.get('region')) == region:
                        return ep['url'].rstrip('/')
        raise RuntimeError(f'no public {kind} endpoint in the catalog')

    compute, image = endpoint('compute'), endpoint('image')
    _, servers, _ = call('GET', f'{compute}/servers?all_tenants=1&limit=1000', token=token)
    _, images, _ = call('GET', f'{image}/v2/images?limit=1000', token=token)
    return ({s['id']: s['name'] for s in servers['servers']}, {i['id']: i['name'] for i in images['images']})


def load_average():
    with open('/proc/loadavg') as f:
        return [float(x) for x in f.read().split()[:3]]


def auth_root(env):
    url = env['OS_AUTH_URL'].rstrip('/')
    return url[:-3] if url.endswith('/v3') else url


def admin_password(args):
    path = args.admin_password_file or os.path.join(os.path.dirname(os.path.abspath(args.env)), 'secrets', 'keystone-admin')
    with open(path) as f:
        return f.read().strip()


def cmd_frontends(args, env):
    """The suite's settings for each front end: prod-up.sh's, without METACONFORM_SERVER_ID (the run boots its
    own server, as Tempest does), with the reader credential (every authentication behaviour judged)."""
    try:
        with urllib.request.urlopen(auth_root(env) + '/v3', timeout=5) as r:
            r.read()
    except Exception as e:  # noqa: BLE001  (anything: refused, timed out, an error status)
        print(f'nova_bench: Keystone at {env["OS_AUTH_URL"]} does not answer: {e}', file=sys.stderr)
        return 3
    suite = {k: v for k, v in env.items() if k != 'METACONFORM_SERVER_ID' and k != 'METACONFORM_NOVA_HTTP11_URL'}
    suite['METACONFORM_READER_CLOUD'] = 'metaconform-reader'
    http11 = env.get('METACONFORM_NOVA_HTTP11_URL')
    fronts = [{'name': 'a', 'label': "production-shaped Nova (a), catalog endpoint, uwsgi --http-socket (Debian's init script)",
               'env': suite}]
    if http11:
        fronts.append({'name': 'b', 'label': 'production-shaped Nova (b), uwsgi http11-socket, 2 workers',
                       'env': {**suite, 'METACONFORM_COMPUTE_URL': http11}})
    # the passwords stay out of what the caller prints: it gets the file's settings to pass on, nothing else
    print(json.dumps({'envFile': os.path.abspath(args.env), 'keystone': env['OS_AUTH_URL'], 'frontEnds': fronts}))
    return 0


def cmd_admin_view(args, env):
    servers, images = admin_view(env, admin_password(args))
    print(json.dumps({'servers': servers, 'images': images}))
    return 0


def cmd_tempest(args, env):
    tempest = shutil.which('tempest', path='/usr/bin')
    if not tempest:
        print('nova_bench: /usr/bin/tempest not found (apt-get install python3-tempest)', file=sys.stderr)
        return 2
    password = admin_password(args)
    version = subprocess.run(['/usr/bin/python3', tempest, '--version'], capture_output=True, text=True).stdout.strip()
    compute_ports = set()  # the catalog's compute endpoint is the one Tempest uses: its port, for the per-service counts
    _, body = password_token(auth_root(env), env['OS_USERNAME'], env['OS_PASSWORD'], env['OS_PROJECT_NAME'])
    for svc in body['catalog']:
        if svc['type'] == 'compute':
            for ep in svc['endpoints']:
                compute_ports.update(re.findall(r':(\d+)/', ep['url'] + '/'))
    servers_before, images_before = admin_view(env, password)
    top = tempfile.mkdtemp(prefix='metaconform-tempest-')
    os.chmod(top, 0o700)
    result = {'tempest': version, 'python': '/usr/bin/python3', 'concurrency': 1, 'loadAverageBefore': load_average(),
              'invocations': []}
    try:
        for name, regex, compute_extra, why in INVOCATIONS:
            ws = os.path.join(top, name)
            os.makedirs(os.path.join(ws, 'etc'))
            os.makedirs(os.path.join(ws, 'logs'))
            conf = os.path.join(ws, 'etc', 'tempest.conf')
            with open(conf, 'w') as f:
                f.write(tempest_conf(ws, env, compute_extra))
            with open(os.path.join(ws, 'etc', 'accounts.yaml'), 'w') as f:
                f.write(accounts_yaml(env))
            child_env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'HOME': ws, 'LANG': 'C.UTF-8', 'PYTHON': '/usr/bin/python3'}
            cmd = ['/usr/bin/python3', tempest, 'run', '--config-file', conf, '--regex', regex, '--concurrency', '1']
            started = time.monotonic()
            try:
                run = subprocess.run(cmd, cwd=ws, env=child_env, capture_output=True, text=True, timeout=args.timeout)
                status, out = run.returncode, run.stdout + run.stderr
            except subprocess.TimeoutExpired as e:
                status, out = 'timeout', (e.stdout.decode(errors='replace') if isinstance(e.stdout, bytes) else (e.stdout or ''))
            wall = time.monotonic() - started
            tests, ran_seconds = parse_output(out)
            counts = {k: sum(1 for v in tests.values() if v == k) for k in ('passed', 'failed', 'skipped')}
            result['invocations'].append({
                'name': name,
                'command': f"tempest run --config-file etc/tempest.conf --regex '{regex}' --concurrency 1",
                'compute': compute_extra, 'why': why, 'exitCode': status, 'wallSeconds': round(wall, 2),
                'testsRanSeconds': ran_seconds,
                'startupSeconds': round(wall - ran_seconds, 2) if ran_seconds is not None else None,
                'tests': len(tests), **counts, 'results': tests,
                'requests': parse_requests(os.path.join(ws, 'logs', 'tempest.log'), compute_ports),
                'outputTail': None if status == 0 else out[-4000:].replace(env['OS_PASSWORD'], '***'),
            })
        result['tempestConf'] = {name: tempest_conf('<workspace>', {**env, 'OS_PASSWORD': '***'}, extra)
                                 for name, _, extra, _ in INVOCATIONS}
    finally:
        if args.keep:
            result['workspace'] = top
        else:
            shutil.rmtree(top, ignore_errors=True)
    servers_after, images_after = admin_view(env, password)
    inv = result['invocations']
    result['loadAverageAfter'] = load_average()
    result['wallSeconds'] = round(sum(i['wallSeconds'] for i in inv), 2)
    startups = [i['startupSeconds'] for i in inv if i['startupSeconds'] is not None]
    one = len(startups) == len(inv) > 1
    result['wallSecondsOneInvocation'] = round(result['wallSeconds'] - min(startups), 2) if one else result['wallSeconds']
    for k in ('tests', 'passed', 'failed', 'skipped'):
        result[k] = sum(i[k] for i in inv)
    result['requests'] = sum(i['requests']['total'] for i in inv)
    result['requestsPerService'] = {}
    for i in inv:
        for svc, n in i['requests']['perService'].items():
            result['requestsPerService'][svc] = result['requestsPerService'].get(svc, 0) + n
    # Tempest names what it creates tempest-<Class>-...; anything else that appeared meanwhile is someone else's
    # (other sessions may run the suite against the same Nova), listed apart
    new = {'servers': {k: v for k, v in servers_after.items() if k not in servers_before},
           'images': {k: v for k, v in images_after.items() if k not in images_before}}
    tempest_named = lambda v: (v or '').startswith('tempest-')  # noqa: E731
    result['leftBehind'] = {kind: {k: v for k, v in items.items() if tempest_named(v)} for kind, items in new.items()}
    result['appearedMeanwhileNotTempest'] = {kind: {k: v for k, v in items.items() if not tempest_named(v)} for kind, items in new.items()}
    result['tempestNamedAfter'] = {'servers': sorted(v for v in servers_after.values() if tempest_named(v)),
                                   'images': sorted(v for v in images_after.values() if tempest_named(v))}
    result['adminView'] = {'serversBefore': len(servers_before), 'serversAfter': len(servers_after),
                           'imagesBefore': len(images_before), 'imagesAfter': len(images_after)}
    print(json.dumps(result, indent=2))
    ok = all(i['exitCode'] == 0 for i in inv) and result['failed'] == 0 and not any(result['leftBehind'].values())
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('command', choices=['frontends', 'admin-view', 'tempest'])
    parser.add_argument('--env', default=os.environ.get('BENCH_NOVA_ENV') or '/var/tmp/metaconform-nova-prod/env')
    parser.add_argument('--admin-password-file', default=None,
                        help="the bootstrap admin's password (default: <state>/secrets/keystone-admin)")
    parser.add_argument('--timeout', type=float, default=1200, help='bound on each tempest run, seconds')
    parser.add_argument('--keep', action='store_true', help='keep the workspace (it holds the password)')
    args = parser.parse_args()
    if not os.path.exists(args.env):
        print(f'nova_bench: {args.env} does not exist (stand the target up: bash targets/nova/prod-up.sh)', file=sys.stderr)
        return 2
    env = read_env(args.env)
    return {'frontends': cmd_frontends, 'admin-view': cmd_admin_view, 'tempest': cmd_tempest}[args.command](args, env)


if __name__ == '__main__':
    sys.exit(main())

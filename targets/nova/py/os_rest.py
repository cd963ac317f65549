"""Tiny OpenStack REST helpers for the production-shaped target's setup scripts (standard library only)."""
import json
import time
import urllib.error
import urllib.request


class HttpError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__(f'{method} {url} answered {status}: {body[:500]}')
        self.status = status
        self.body = body


def call(method, url, body=None, token=None, headers=None, content_type='application/json', ok=(200, 201, 202, 204)):
    """Sends one request; returns (status, parsed JSON or None, response headers). A status outside ok raises."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header('Content-Type', content_type)
    if token:
        req.add_header('X-Auth-Token', token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            status, hdrs = r.status, r.headers
    except urllib.error.HTTPError as e:
        raw = e.read()
        status, hdrs = e.code, e.headers
    parsed = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors='replace')
    if status not in ok:
        raise HttpError(method, url, status, raw.decode(errors='replace'))
    return status, parsed, hdrs


def password_token(auth_url, username, password, project, domain='Default'):
    """A project-scoped token for a password login: (token, token body)."""
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': username, 'domain': {'name': domain}, 'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'name': domain}}}}}
    _, parsed, hdrs = call('POST', f'{auth_url}/v3/auth/tokens', body, ok=(201,))
    return hdrs['X-Subject-Token'], parsed['token']


def wait_for(what, check, timeout, interval=1.0):
    """Calls check() until it returns a true value (returned); raises after timeout seconds."""
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise TimeoutError(f'{what}: not done after {timeout} s')
        time.sleep(interval)

"""Creates (or resets) the suite's Glance image through Glance's own API (keystone-less, on 127.0.0.1).

A public image with a fixed id, a small blob (so it is active) and a couple of properties. A second run
puts the properties back to exactly these (custom properties the suite added are removed, min_ram and
min_disk reset to 0).
"""
import argparse
import json
import sys
import urllib.error
import urllib.request

PROPERTIES = {'os_distro': 'metaconform', 'created-by': 'metaconform'}
BLOB = b'metaconform fixture image\n' * 16


def call(method, url, body=None, content_type='application/json'):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header('Content-Type', content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors='replace')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--glance', required=True)
    parser.add_argument('--image', required=True)
    args = parser.parse_args()
    images = f'{args.glance}/v2/images'
    status, image = call('GET', f'{images}/{args.image}')
    action = 'reset'
    if status == 404:
        status, image = call('POST', images, {
            'id': args.image, 'name': 'metaconform-image', 'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'public', **PROPERTIES})
        if status != 201:
            sys.exit(f'creating image {args.image} answered {status}: {image} '
                     '(a deleted image id cannot be reused: remove the state folder or choose another id)')
        action = 'created'
    elif status != 200:
        sys.exit(f'reading image {args.image} answered {status}: {image}')
    if image['status'] == 'queued':
        status, text = call('PUT', f'{images}/{args.image}/file', BLOB, 'application/octet-stream')
        if status != 204:
            sys.exit(f'uploading the blob of image {args.image} answered {status}: {text}')
    status, schema = call('GET', f'{args.glance}/v2/schemas/image')
    if status != 200:
        sys.exit(f'reading the image schema answered {status}: {schema}')
    core = set(schema['properties'])
    ops = [{'op': 'remove', 'path': '/' + k.replace('~', '~0').replace('/', '~1')} for k in image if k not in core and k not in PROPERTIES]
    ops += [{'op': 'add', 'path': '/' + k.replace('~', '~0').replace('/', '~1'), 'value': v} for k, v in PROPERTIES.items() if image.get(k) != v]
    ops += [{'op': 'replace', 'path': '/' + k.replace('~', '~0').replace('/', '~1'), 'value': 0} for k in ('min_ram', 'min_disk') if image.get(k) != 0]
    if ops:
        status, text = call('PATCH', f'{images}/{args.image}', ops, 'application/openstack-images-v2.1-json-patch')
        if status != 200:
            sys.exit(f'resetting the properties of image {args.image} answered {status}: {text}')
    print(f'image {args.image}: {action}' + (f' ({len(ops)} change(s))' if ops and action == 'reset' else ''))


if __name__ == '__main__':
    main()

"""A stand-in for Neutron on 127.0.0.1 (local bridge, not upstream code).

Nova's server view (GET /servers/{id}) lists the server's ports and security groups through Neutron.
Every GET here answers an empty list named after the last path segment (ports, security_groups, ...),
so the view renders; nothing on the metadata code path calls it.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split('?', 1)[0].rstrip('/')
        name = path.rsplit('/', 1)[-1] or 'versions'
        if name.endswith('.json'):
            name = name[:-5]
        body = json.dumps({name: []}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write('neutron-stub: ' + (fmt % args) + '\n')


if __name__ == '__main__':
    ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()

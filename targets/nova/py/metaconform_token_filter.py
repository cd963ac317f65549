"""Paste filter placed right after Nova's noauth2 middleware (local bridge, not upstream code).

noauth2 builds the request context but never sets context.auth_token; Nova's Glance client refuses to
call Glance without one (the image-metadata proxy would answer 500). This copies the X-Auth-Token
header into the context, as Keystone's middleware would. It changes no response itself.
"""


def filter_factory(global_conf, **local_conf):
    def wrap(app):
        def middleware(environ, start_response):
            ctx = environ.get('nova.context')
            token = environ.get('HTTP_X_AUTH_TOKEN')
            if ctx is not None and token and not getattr(ctx, 'auth_token', None):
                ctx.auth_token = token
            return app(environ, start_response)
        return middleware
    return wrap

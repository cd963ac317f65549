"""Nova's database steps in one process (importing Nova once, not four times): what the install guide runs as

  nova-manage api_db sync
  nova-manage cell_v2 map_cell0 --database_connection CELL0
  nova-manage cell_v2 create_cell --name cell1
  nova-manage db sync

through the same nova-manage command classes (nova.cmd.manage); each step's time on stdout, logs on stderr. Or, with --discover-hosts, `nova-manage
cell_v2 discover_hosts --verbose`. Run with Debian's /usr/bin/python3. Exits non-zero when a step fails.
"""
import argparse
import sys
import time

from oslo_log import log as logging

from nova import config, objects
from nova.cmd import manage


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config-file', required=True)
    parser.add_argument('--cell0-connection')
    parser.add_argument('--discover-hosts', action='store_true')
    args = parser.parse_args()
    config.parse_args(['nova-manage', '--config-file', args.config_file])
    logging.setup(config.CONF, 'nova')
    objects.register_all()
    if args.discover_hosts:
        steps = [('cell_v2 discover_hosts', lambda: manage.CellV2Commands().discover_hosts(verbose=True), (None, 0))]
    else:
        steps = [
            ('api_db sync', lambda: manage.ApiDbCommands().sync(), (None, 0)),
            ('cell_v2 map_cell0', lambda: manage.CellV2Commands().map_cell0(database_connection=args.cell0_connection), (None, 0)),
            # 2: a cell with this database and transport already exists (an earlier, interrupted run)
            ('cell_v2 create_cell cell1', lambda: manage.CellV2Commands().create_cell(name='cell1'), (None, 0, 2)),
            ('db sync', lambda: manage.DbCommands().sync(), (None, 0)),
        ]
    for name, step, ok in steps:
        started = time.time()
        rc = step()
        if rc not in ok:
            sys.exit(f'nova-manage {name} failed with status {rc}')
        print(f'  nova-manage {name} ({time.time() - started:.1f}s)', flush=True)


if __name__ == '__main__':
    main()

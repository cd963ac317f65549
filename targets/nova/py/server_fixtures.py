"""Creates (or resets) the suite's two servers directly in Nova's databases, without booting anything.

Run with Debian's /usr/bin/python3 (it imports nova). Writes through nova.objects, as Nova itself would:
an Instance in cell1 with launched_at set (a never-launched instance refuses metadata writes), a host and
a flavor; its InstanceMapping in the API database; an empty network info cache (NULL breaks the server
view). A second run resets an existing server to the same state: unlocked, its vm_state, its original
metadata.
"""
import argparse
import sys

from oslo_utils import timeutils

from nova import config, context, exception, objects
from nova.compute import power_state, vm_states
from nova.network import model as network_model

SERVERS = {
    # option name: (display name, vm_state, power_state, original metadata, launched, owner)
    'server': ('metaconform-server', vm_states.ACTIVE, power_state.RUNNING, {'created-by': 'metaconform'}, True, 'project'),
    'error_server': ('metaconform-error-server', vm_states.ERROR, power_state.NOSTATE, {'fixture': 'error-state'}, True, 'project'),
    # never launched (launched_at unset): Nova refuses metadata writes (SM-STATE-002)
    'unlaunched_server': ('metaconform-unlaunched', vm_states.ACTIVE, power_state.NOSTATE, {'fixture': 'unlaunched'}, False, 'project'),
    # another project's server: invisible to the suite's project (SM-AUTH-003)
    'other_project_server': ('metaconform-other-project', vm_states.ACTIVE, power_state.RUNNING, {'fixture': 'other-project'}, True, 'other_project'),
}


def flavor():
    return objects.Flavor(
        id=1, flavorid='1', name='m1.tiny', memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
        rxtx_factor=1.0, vcpu_weight=0, disabled=False, is_public=True, extra_specs={}, description=None)


def cell1(ctxt):
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.name == 'cell1':
            return cell
    sys.exit('cell1 is not mapped (run nova-manage cell_v2 create_cell first)')


def ensure(ctxt, cell, args, uuid, spec):
    name, vm_state, power, metadata, launched, owner = spec
    project = getattr(args, owner)
    with context.target_cell(ctxt, cell) as cctxt:
        try:
            inst = objects.Instance.get_by_uuid(cctxt, uuid, expected_attrs=['metadata', 'system_metadata'])
            action = 'reset'
        except exception.InstanceNotFound:
            inst = None
        if inst is None:
            now = timeutils.utcnow()
            f = flavor()
            inst = objects.Instance(
                context=cctxt, uuid=uuid, project_id=project, user_id=args.user,
                display_name=name, hostname=name, host='metaconform-nova', node='metaconform-nova',
                vm_state=vm_state, power_state=power, task_state=None,
                launched_at=now if launched else None, launch_index=0, image_ref='',
                flavor=f, old_flavor=None, new_flavor=None, instance_type_id=f.id,
                memory_mb=f.memory_mb, vcpus=f.vcpus, root_gb=f.root_gb, ephemeral_gb=f.ephemeral_gb,
                availability_zone='nova', locked=False, locked_by=None,
                metadata=dict(metadata), system_metadata={},
                info_cache=objects.InstanceInfoCache(network_info=network_model.NetworkInfo([])))
            inst.create()
            action = 'created'
        else:
            inst.vm_state = vm_state
            inst.power_state = power
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
    try:
        objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    except exception.InstanceMappingNotFound:
        objects.InstanceMapping(ctxt, instance_uuid=uuid, cell_mapping=cell, project_id=project,
                                user_id=args.user).create()
    print(f'server {uuid} ({name}, vm_state {vm_state}): {action}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config-file', required=True)
    parser.add_argument('--project', required=True)
    parser.add_argument('--user', required=True)
    parser.add_argument('--server', required=True)
    parser.add_argument('--error-server', required=True)
    parser.add_argument('--unlaunched-server', required=True)
    parser.add_argument('--other-project', required=True)
    parser.add_argument('--other-project-server', required=True)
    args = parser.parse_args()
    objects.register_all()
    config.parse_args(['server_fixtures', '--config-file', args.config_file])  # init_rpc: registers transport_url (fake:/)
    ctxt = context.get_admin_context()
    cell = cell1(ctxt)
    ensure(ctxt, cell, args, args.server, SERVERS['server'])
    ensure(ctxt, cell, args, args.error_server, SERVERS['error_server'])
    ensure(ctxt, cell, args, args.unlaunched_server, SERVERS['unlaunched_server'])
    ensure(ctxt, cell, args, args.other_project_server, SERVERS['other_project_server'])


if __name__ == '__main__':
    main()

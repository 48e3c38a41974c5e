#!/usr/bin/env bash
# Runs mpirun across two test hosts made on this machine: two network namespaces
# joined by a veth pair (10.77.0.1 and 10.77.0.2, nothing else reachable), one rank
# in each, talking over TCP as two machines of a cluster would.
#
#   scripts/two-hosts.sh PROGRAM [ARGUMENTS...]
#
# mpirun starts inside the first namespace with `-H 10.77.0.1,10.77.0.2`; its
# launcher agent (plm_rsh_agent, ssh on a real cluster) is a small script that
# runs the remote daemon under `ip netns exec` in the namespace that owns the
# address. Open MPI uses only TCP on the veth subnet (btl tcp,self; oob and btl
# restricted to 10.77.0.0/24). The namespaces are removed when the run ends,
# whatever happens. Needs root, iproute2 and Open MPI. The current folder and
# SYNAPSE_DATA_DIR travel to both ranks.
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: $0 PROGRAM [ARGUMENTS...]" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "two-hosts: network namespaces need root" >&2
    exit 2
fi

suffix="$$"
first="synapse-a-$suffix"
second="synapse-b-$suffix"
work="$(mktemp -d)"
cleanup() {
    ip netns del "$first" 2>/dev/null || true
    ip netns del "$second" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$first"
ip netns add "$second"
ip link add "vsa$suffix" type veth peer name "vsb$suffix"
ip link set "vsa$suffix" netns "$first"
ip link set "vsb$suffix" netns "$second"
ip -n "$first" addr add 10.77.0.1/24 dev "vsa$suffix"
ip -n "$second" addr add 10.77.0.2/24 dev "vsb$suffix"
for namespace in "$first" "$second"; do
    ip -n "$namespace" link set lo up
done
ip -n "$first" link set "vsa$suffix" up
ip -n "$second" link set "vsb$suffix" up

# The launcher agent: mpirun calls it as `agent HOST COMMAND...`.
cat > "$work/agent" <<AGENT
#!/bin/sh
host="\$1"; shift
case "\$host" in
    10.77.0.1) namespace=$first ;;
    10.77.0.2) namespace=$second ;;
    *) echo "two-hosts agent: \$host is not one of the test hosts" >&2; exit 1 ;;
esac
exec ip netns exec "\$namespace" /bin/sh -c "\$*"
AGENT
chmod +x "$work/agent"

export SYNAPSE_DATA_DIR="${SYNAPSE_DATA_DIR:-$PWD/Data}"
ip netns exec "$first" mpirun --allow-run-as-root -np 2 -H 10.77.0.1,10.77.0.2 \
    --mca plm_rsh_agent "$work/agent" \
    --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 \
    -x SYNAPSE_DATA_DIR -wdir "$PWD" "$@"

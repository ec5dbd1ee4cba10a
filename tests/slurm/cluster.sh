#!/usr/bin/env bash
# A throw-away single-node SLURM cluster on this machine, for tests/test_slurm.py
# and for trying profiles/slurm by hand. Needs root and the Debian packages
# slurm-wlm and munge (.ci/run installs them).
#
#   tests/slurm/cluster.sh start   # write /etc/slurm/{slurm,gres}.conf, start munged (if needed), slurmctld, slurmd
#   tests/slurm/cluster.sh stop    # cancel jobs, stop what `start` started, remove both .conf files
#
# Environment: MIRO_SLURM_STATE (state/log dir, default /tmp/miro-slurm),
# MIRO_SLURM_PARTITION (the default, CPU partition; default debug),
# MIRO_SLURM_GPU_PARTITION (the GPU partition; default gpu),
# MIRO_SLURM_CTLD_PORT/MIRO_SLURM_SLURMD_PORT (default 6817/6818).
# The node has one GRES gpu (gres.conf: File=/dev/null, no real GPU needed), so
# `sbatch -p gpu --gpus=1` (or --gres=gpu:1) jobs are scheduled, one at a time.
# No slurmdbd: `sacct` does not work on this cluster; poll with
# `--slurm-status-command squeue` (finished jobs stay visible for MinJobAge=600 s).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="${MIRO_SLURM_STATE:-/tmp/miro-slurm}"
PARTITION="${MIRO_SLURM_PARTITION:-debug}"
GPU_PARTITION="${MIRO_SLURM_GPU_PARTITION:-gpu}"
GPU_FILE=/dev/null   # gres.conf's File= must exist; a character device every Linux has
CTLD_PORT="${MIRO_SLURM_CTLD_PORT:-6817}"
SLURMD_PORT="${MIRO_SLURM_SLURMD_PORT:-6818}"
CONF=/etc/slurm/slurm.conf
GRES_CONF=/etc/slurm/gres.conf
MARKER="# MIRO single-node test cluster"
MEM_MARGIN_MB=1024   # RealMemory = physical memory minus this, so slurmd never reports less than configured

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {  # stop_pidfile NAME PIDFILE: TERM, wait up to 10 s, then KILL
    local name="$1" pidfile="$2" pid i
    alive "$pidfile" || return 0
    pid="$(cat "$pidfile")"
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
}

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
    if munge_works; then say "munged already running; using it"; return 0; fi
    if [[ ! -s /etc/munge/munge.key ]]; then
        say "creating /etc/munge/munge.key"
        install -d -o munge -g munge -m 0700 /etc/munge
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
            || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    runuser -u munge -- munged
    cp /run/munge/munged.pid "$STATE/munged.pid"   # we started it: `stop` stops it
    local i
    for i in $(seq 50); do munge_works && return 0; sleep 0.2; done
    die "munged did not come up (see /var/log/munge/munged.log)"
}

write_conf() {
    local host node mem cpus
    host="$(hostname -s)"
    # slurmd -C prints this machine's topology: NodeName=.. CPUs=.. Boards=.. ... RealMemory=..
    node="$(slurmd -C | head -n 1)"
    cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node")"
    mem="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")"
    [[ -n "$cpus" && -n "$mem" ]] || die "cannot parse 'slurmd -C': $node"
    mem=$(( mem > 2 * MEM_MARGIN_MB ? mem - MEM_MARGIN_MB : mem / 2 ))
    install -d -m 0755 /etc/slurm
    sed -e "s|@HOST@|$host|g" -e "s|@STATE@|$STATE|g" -e "s|@CPUS@|$cpus|g" \
        -e "s|@MEM_MB@|$mem|g" -e "s|@PARTITION@|$PARTITION|g" -e "s|@GPU_PARTITION@|$GPU_PARTITION|g" \
        -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
        "$HERE/slurm.conf.in" >"$CONF"
    sed -e "s|@HOST@|$host|g" -e "s|@GPU_FILE@|$GPU_FILE|g" "$HERE/gres.conf.in" >"$GRES_CONF"
    say "wrote $CONF and $GRES_CONF: node $host, CPUs=$cpus, RealMemory=$mem MB, Gres=gpu:1, partitions $PARTITION (default) and $GPU_PARTITION"
}

ours() { [[ -f "${1:-$CONF}" ]] && head -n 1 "${1:-$CONF}" | grep -qF "$MARKER"; }

stop() {
    if ours; then
        # the running cluster's state dir, even if it was started with another MIRO_SLURM_STATE
        STATE="$(sed -n 's|^StateSaveLocation=\(.*\)/slurmctld$|\1|p' "$CONF")"
        if alive "$STATE/slurmctld.pid"; then
            local partition
            for partition in $(sed -n 's|^PartitionName=\([^ ]*\) .*|\1|p' "$CONF"); do
                scancel --full --quiet --partition="$partition" 2>/dev/null || true
            done
            sleep 1
        fi
    fi
    stop_pidfile slurmd "$STATE/slurmd.pid"
    stop_pidfile slurmctld "$STATE/slurmctld.pid"
    if [[ -f "$STATE/munged.pid" ]]; then
        stop_pidfile munged "$STATE/munged.pid"
        rm -f "$STATE/munged.pid"
    fi
    if ours "$GRES_CONF"; then rm -f "$GRES_CONF"; fi
    if ours; then rm -f "$CONF"; fi
}

start() {
    [[ $EUID -eq 0 ]] || die "must run as root (slurmd and munged setup)"
    local cmd
    for cmd in slurmctld slurmd sbatch squeue sinfo scancel munged munge; do
        command -v "$cmd" >/dev/null || die "$cmd not found (apt-get install slurm-wlm munge)"
    done
    local conf
    for conf in "$CONF" "$GRES_CONF"; do
        if [[ -f "$conf" ]] && ! ours "$conf"; then
            die "$conf exists and was not written by this script; refusing to overwrite it"
        fi
    done
    [[ -e "$GPU_FILE" ]] || die "$GPU_FILE (gres.conf File= of the pretend GPU) does not exist"
    (stop)   # a cluster left over by an interrupted run (subshell: keeps this run's STATE)
    # only this script's own files: MIRO_SLURM_STATE may point at a directory with other content
    rm -rf "$STATE/slurmctld" "$STATE/slurmd" "$STATE"/slurm*.log "$STATE"/slurm*.pid
    install -d -m 0755 "$STATE" "$STATE/slurmctld" "$STATE/slurmd"
    start_munge
    write_conf
    slurmctld -i || die "slurmctld failed to start (see $STATE/slurmctld.log)"
    slurmd || die "slurmd failed to start (see $STATE/slurmd.log)"
    local i state=""
    for i in $(seq 60); do
        state="$(sinfo --noheader --partition="$PARTITION,$GPU_PARTITION" --format=%t 2>/dev/null || true)"
        # one line per partition (the same node): "idle" for each
        [[ -n "$state" && -z "$(grep -v '^idle$' <<<"$state")" ]] && { say "node is idle; cluster ready (logs in $STATE)"; return 0; }
        sleep 0.5
    done
    tail -n 20 "$STATE/slurmctld.log" "$STATE/slurmd.log" >&2 || true
    die "node did not become idle within 30 s (state: '${state:-none}')"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

"""The workflow on a real single-node SLURM cluster, through profiles/slurm.

The end-to-end test starts slurmctld + slurmd (and munged if needed) on this
machine with tests/slurm/cluster.sh, runs the tiny workflow with the SLURM
executor plugin and stops the daemons again. It installs nothing: .ci/run
installs the Debian packages slurm-wlm and munge; without them it skips.
The cluster has no slurmdbd, so `sacct` cannot see jobs and the plugin polls
job states with `squeue` (--slurm-status-command squeue).
The node has one GRES gpu (a pretend one: gres.conf File=/dev/null) in a second
partition, so the CUDA rules' `sbatch -p gpu --gpus=1` jobs are really scheduled
and given the GPU; the test checks the sbatch calls in the plugin's log and what
SLURM allocated (`scontrol -d show job`: JOB_GRES=gpu:1).
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import AUTHORS, BENCHMARK, REPO, at_session_end, background, popen

PROFILE = REPO / "profiles" / "slurm"
CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
TINY = REPO / "tests" / "config" / "tiny.yaml"
PARTITION = "debug"      # the test cluster's CPU partition (its default)
GPU_PARTITION = "gpu"    # and its GPU partition: the same node, with Gres=gpu:1
RULES = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]
# the daemons live in sbin, which a non-login root shell may lack on PATH
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])
NEEDED = ("slurmctld", "slurmd", "sbatch", "squeue", "munged")
# First status check this many seconds after a submission (plugin default 40); while
# nothing has finished the plugin waits 10 s longer each time (5, 20, 45 s, ...). A job
# here takes 6-10 s on an idle 2-core machine (two Snakemake start-ups: sbatch + srun),
# up to ~16 s under load, so most steps finish by the 20 s check.
FIRST_POLL_S = 5
RUN_TIMEOUT_S = 600


def gpu_rules():
    """Names of the rules that declare a `gpu` resource (`resources: gpu=LOCAL_GPU`, 1 where the
    machine shows a GPU: the CUDA rules), read from the rule files' text, so rules defined only
    for some configs count too."""
    found = set()
    for path in RULES:
        text = path.read_text()
        starts = list(re.finditer(r"^[ \t]*(?:rule|checkpoint)\s+(\w+)\s*:", text, flags=re.MULTILINE))
        for start, end in zip(starts, [*starts[1:], None]):
            body = text[start.end():end.start() if end else len(text)]
            if re.search(r"\bgpu\s*=\s*(?:[1-9]|LOCAL_GPU\b)", body):
                found.add(start.group(1))
    return found


def test_profile_is_a_cluster_profile():
    text = (PROFILE / "config.yaml").read_text()
    profile = yaml.safe_load(text)
    assert profile["executor"] == "slurm"
    # `gpu` is a global resource: a limit here would serialise GPU jobs across the cluster
    assert "gpu" not in str(profile.get("resources", "")), "do not limit `gpu` in a cluster profile"
    assert "gpu" not in profile["default-resources"], "CPU rules must not request a GPU"
    assert "gres" not in profile["default-resources"], "CPU rules must not request a GPU"
    # every rule with gpu=1 goes to the GPU partition and asks SLURM for a GPU: the rule's
    # own gpu=1 reaches sbatch as --gpus=1 anyway, so without an entry here it would ask
    # for a GPU in the CPU partition
    cuda = gpu_rules()
    assert {"train", "miro_dbscan"} <= cuda, cuda
    set_resources = profile["set-resources"]
    cpu_partition = profile["default-resources"]["slurm_partition"]
    gpu_partition = set_resources["train"]["slurm_partition"]
    assert gpu_partition != cpu_partition
    for rule in sorted(cuda):
        settings = set_resources.get(rule)
        assert settings is not None, f"rule {rule} declares gpu=1: profiles/slurm must send it to the GPU partition (set-resources: {rule}: *gpu)"
        assert settings.get("slurm_partition") == gpu_partition, f"{rule}: not in the GPU partition {gpu_partition}"
        assert settings.get("gpu") == 1, f"{rule}: no `gpu: 1` (sbatch --gpus=1)"
    for rule, settings in set_resources.items():
        if rule not in cuda:
            assert not {"gpu", "gpu_model", "gres"} & set(settings), f"{rule} has no gpu=1 in workflow/rules: no GPU request"
            assert settings.get("slurm_partition") != gpu_partition, f"{rule} has no gpu=1 in workflow/rules: not in the GPU partition"
    # the GPU partition is written once (the YAML anchor), next to the CPU one
    assert len(re.findall(r"^\s*slurm_partition:", text, flags=re.MULTILINE)) == 2
    # cores follow the rules' threads (config torch_threads): PyTorch uses exactly that many
    assert "set-threads" not in profile and "cpus_per_gpu" not in str(set_resources)
    assert str(profile["slurm-logdir"]).startswith("logs/")
    for key in ("slurm_partition", "slurm_account", "runtime", "mem_mb"):
        assert key in profile["default-resources"], key
    for key in ("jobs", "latency-wait", "retries", "rerun-incomplete", "show-failed-logs"):
        assert key in profile, key


def start_slurm_cluster(tmp_path_factory):
    """A running single-node cluster (partition PARTITION): (its environment, a function that stops
    it; called again when the session ends, it does nothing)."""
    missing = [tool for tool in NEEDED if shutil.which(tool, path=SEARCH_PATH) is None]
    if missing:
        pytest.skip(f"SLURM is not installed ({', '.join(missing)} not found); .ci/run installs slurm-wlm and munge")
    if os.geteuid() != 0:
        pytest.skip("starting slurmd and munged needs root")
    conf = Path("/etc/slurm/slurm.conf")
    if conf.exists() and not conf.read_text().startswith("# MIRO single-node test cluster"):
        pytest.skip(f"{conf} belongs to another SLURM setup; not touching it")
    env = {
        **os.environ,
        "PATH": SEARCH_PATH,
        "MIRO_SLURM_STATE": str(tmp_path_factory.mktemp("slurm-state")),
        "MIRO_SLURM_PARTITION": PARTITION,
        "MIRO_SLURM_GPU_PARTITION": GPU_PARTITION,
    }
    running = [True]

    def stop():
        if running and running.pop():
            subprocess.run(["bash", str(CLUSTER), "stop"], env=env, capture_output=True, text=True, timeout=120)

    at_session_end(stop)
    started = subprocess.run(["bash", str(CLUSTER), "start"], env=env, capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        pytest.fail(f"could not start the test cluster:\n{started.stdout}\n{started.stderr}")
    return env, stop


def single_node_set_resources():
    """profiles/slurm's set-resources for this cluster: its GPU partition, small jobs.
    Everything else (gpu, the rules listed) is the profile's own."""
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    gpu_partition = profile["set-resources"]["train"]["slurm_partition"]
    small = {"mem_mb": 1000, "runtime": 10}
    args = []
    for rule, settings in profile["set-resources"].items():
        for key, value in settings.items():
            if key == "slurm_partition" and value == gpu_partition:
                value = GPU_PARTITION
            args.append(f"{rule}:{key}={small.get(key, value)}")
    return args


def sbatch_calls(log):
    """The plugin's `sbatch call: ...` debug lines (--verbose), as argument lists keyed by
    their --output (the job's SLURM log, `<dir>/%j.log`); the --wrap'ed job command is left off."""
    calls = {}
    for line in re.findall(r"sbatch call: (sbatch .*)", log):
        args = shlex.split(line.split(" --wrap=", 1)[0])
        calls[args[args.index("--output") + 1]] = args
    return calls


@background(seconds=150)
def slurm_run(tmp_path_factory):
    """The tiny workflow (tests/config/slurm.yaml) through profiles/slurm on the test cluster:
    (the run folder, the Snakemake log, what SLURM says of the run's jobs). The cluster is
    stopped once they are read, so that its shutdown overlaps the other tests."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    slurm_cluster, stop_cluster = start_slurm_cluster(tmp_path_factory)
    try:
        tmp_path, log = _run_through_slurm(tmp_path_factory, slurm_cluster)
        return tmp_path, log, _jobs_seen_by_slurm(slurm_cluster, log)
    finally:
        stop_cluster()


def _jobs_seen_by_slurm(env, log) -> dict:
    """{SLURM job id: (state in squeue, ``scontrol show job`` fields)} of the run's jobs."""
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    states = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i|%T", f"--name={run_id}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    jobs = {}
    for jobid, state in (line.split("|") for line in states):
        shown = subprocess.run(["scontrol", "--details", "--oneliner", "show", "job", jobid],
                               env=env, capture_output=True, text=True, check=True).stdout
        jobs[jobid] = (state, dict(re.findall(r"(\w+)=(\S*)", shown)))
    return jobs


def _run_through_slurm(tmp_path_factory, slurm_cluster):
    tmp_path = tmp_path_factory.mktemp("slurm-run")
    env = {**slurm_cluster, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{slurm_cluster['PATH']}"}
    env = {key: value for key, value in env.items() if not key.startswith("SLURM_")}  # not inside a job
    set_resources = single_node_set_resources()
    command = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(REPO / "Snakefile"),
        "--workflow-profile", str(PROFILE),
        "--directory", str(tmp_path),
        "--configfile", str(TINY), str(TINY.with_name("slurm.yaml")),
        "--config",
        f"benchmark_base_url={BENCHMARK.as_uri()}",
        f"released_weights_base_url={(AUTHORS / 'benchmark-models').as_uri()}",
        "--jobs", "4",  # queued in SLURM: a CPU freed starts the next job without waiting for a status check
        # single-node overrides of the profile: our partitions, no account, small jobs
        "--default-resources", f"slurm_partition={PARTITION}", "runtime=10", "mem_mb=1000",
        "--set-resources", *set_resources,
        "--max-threads", "1",  # 1-CPU jobs: as many run at a time as the test node has cores
        # no slurmdbd here: poll with squeue (MinJobAge=600 keeps finished jobs visible)
        "--slurm-status-command", "squeue",
        "--slurm-init-seconds-before-status-checks", str(FIRST_POLL_S),
        "--slurm-keep-successful-logs",
        "--latency-wait", "5",
        "--retries", "0",
        "--verbose",  # the plugin logs each sbatch call at debug level
        "all",
    ]
    # cwd = the run dir: the plugin puts slurm-logdir under the directory snakemake starts in
    run = popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        log, _ = run.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"workflow did not finish within {RUN_TIMEOUT_S} s:\n{run.communicate()[0][-4000:]}")
    (tmp_path / "snakemake-slurm.log").write_text(log)  # kept in pytest's tmp dir for a look afterwards
    assert run.returncode == 0, log[-6000:]
    return tmp_path, log


@pytest.mark.slurm
@pytest.mark.slow
def test_tiny_workflow_runs_through_slurm(slurm_run):
    tmp_path, log, jobs = slurm_run

    # outputs
    for name in ("tables/table1.csv", "tables/table1.md", "tables/paper_comparison.md",
                 "metrics/scenario8/DBSCAN.csv", "models/scenario8/model.pt", "metrics/scenario8/MIRO.csv"):
        assert (tmp_path / "results" / name).stat().st_size > 0, name

    # every non-local job was submitted with sbatch ...
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    submitted = {
        int(jobid): Path(logfile)
        for jobid, logfile in re.findall(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.", log)
    }
    rule_of = {jobid: re.match(r"rule_(\w+)", logfile.relative_to(tmp_path / "logs" / "slurm").parts[0]).group(1)
               for jobid, logfile in submitted.items()}
    finished_rules = set(re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", log))
    local_rules = set(re.findall(r"^localrule (\w+):", log, flags=re.MULTILINE))
    submitted_rules = set(rule_of.values())
    assert {"dbscan_params", "dbscan_baseline", "metrics", "training_set", "train", "miro_dbscan"} <= submitted_rules
    assert {"download_benchmark", "stats", "table1", "figure2"} <= local_rules  # the Snakefile's localrules
    assert submitted_rules == finished_rules - local_rules, log[-6000:]

    # ... the CUDA rules to the GPU partition with a GPU request, the others to the CPU
    # partition without one (the plugin's own record of its sbatch calls) ...
    cuda = gpu_rules()
    calls = sbatch_calls(log)
    for jobid, logfile in submitted.items():
        args = calls[str(logfile.with_name("%j.log"))]
        partition = args[args.index("-p") + 1]
        gpu_args = [arg for arg in args if arg.startswith(("--gpus", "--gres"))]
        if rule_of[jobid] in cuda:
            assert partition == GPU_PARTITION and gpu_args == ["--gpus=1"], (rule_of[jobid], args)
        else:
            assert partition == PARTITION and gpu_args == [], (rule_of[jobid], args)
    train_call = next(calls[str(logfile.with_name("%j.log"))] for jobid, logfile in submitted.items() if rule_of[jobid] == "train")
    assert "--cpus-per-task=1" in train_call, train_call  # its threads (--max-threads 1 here)

    # ... ran to completion in SLURM (squeue keeps finished jobs for MinJobAge) ...
    assert {jobid: state for jobid, (state, _) in jobs.items()} == {str(jobid): "COMPLETED" for jobid in submitted}

    # ... where SLURM gave each CUDA job the node's GPU and no other job a GPU ...
    for jobid, rule in rule_of.items():
        fields = jobs[str(jobid)][1]
        expected = (GPU_PARTITION, "gpu:1") if rule in cuda else (PARTITION, "(null)")
        assert (fields["Partition"], fields["JOB_GRES"]) == expected, f"{rule}: {fields}"

    # ... and left a SLURM log in which the job-step Snakemake ran the rule
    for jobid, logfile in submitted.items():
        assert logfile.name == f"{jobid}.log" and logfile.is_relative_to(tmp_path / "logs" / "slurm")
        text = logfile.read_text()
        assert "--executor slurm-jobstep" in text and "Finished jobid: 0" in text, f"{logfile}:\n{text[-2000:]}"

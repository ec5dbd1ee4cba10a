"""The workflow on a real single-node SLURM cluster, through profiles/slurm.

The end-to-end test starts slurmctld + slurmd (and munged if needed) on this
machine with tests/slurm/cluster.sh, runs the tiny workflow with the SLURM
executor plugin and stops the daemons again. It installs nothing: .ci/run
installs the Debian packages slurm-wlm and munge; without them it skips.
The cluster has no slurmdbd, so `sacct` cannot see jobs and the plugin polls
job states with `squeue` (--slurm-status-command squeue).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import AUTHORS, BENCHMARK, REPO

PROFILE = REPO / "profiles" / "slurm"
CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
TINY = REPO / "tests" / "config" / "tiny.yaml"
PARTITION = "debug"
# the daemons live in sbin, which a non-login root shell may lack on PATH
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])
NEEDED = ("slurmctld", "slurmd", "sbatch", "squeue", "munged")
# First status check this many seconds after a submission (plugin default 40); while
# nothing has finished the plugin waits 10 s longer each time (5, 20, 45 s, ...). A job
# here takes 6-10 s on an idle 2-core machine (two Snakemake start-ups: sbatch + srun),
# up to ~16 s under load, so most steps finish by the 20 s check.
FIRST_POLL_S = 5
RUN_TIMEOUT_S = 480


def test_profile_is_a_cluster_profile():
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    # `gpu` is a global resource: a limit here would serialise GPU jobs across the cluster
    assert "gpu" not in str(profile.get("resources", "")), "do not limit `gpu` in a cluster profile"
    assert profile["set-resources"]["train"]["gpu"] == 1
    assert "gpu" not in profile["default-resources"], "CPU rules must not request a GPU"
    assert str(profile["slurm-logdir"]).startswith("logs/")
    for key in ("slurm_partition", "slurm_account", "runtime", "mem_mb"):
        assert key in profile["default-resources"], key
    for key in ("jobs", "latency-wait", "retries", "rerun-incomplete", "show-failed-logs"):
        assert key in profile, key


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    """A running single-node cluster (partition PARTITION); stopped afterwards, also on failure."""
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
    }
    try:
        started = subprocess.run(["bash", str(CLUSTER), "start"], env=env, capture_output=True, text=True, timeout=120)
        if started.returncode != 0:
            pytest.fail(f"could not start the test cluster:\n{started.stdout}\n{started.stderr}")
        yield env
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop"], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slurm
@pytest.mark.slow
def test_tiny_workflow_runs_through_slurm(slurm_cluster, tmp_path):
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    env = {**slurm_cluster, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{slurm_cluster['PATH']}"}
    env = {key: value for key, value in env.items() if not key.startswith("SLURM_")}  # not inside a job
    command = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(REPO / "Snakefile"),
        "--workflow-profile", str(PROFILE),
        "--directory", str(tmp_path),
        "--configfile", str(TINY), str(TINY.with_name("slurm.yaml")),
        "--config",
        f"benchmark_base_url={BENCHMARK.as_uri()}",
        f"released_weights_base_url={(AUTHORS / 'benchmark-models').as_uri()}",
        "--jobs", "2",
        # single-node overrides of the profile: our partition, no account, small jobs
        "--default-resources", f"slurm_partition={PARTITION}", "runtime=10", "mem_mb=1000",
        # no slurmdbd here: poll with squeue (MinJobAge=600 keeps finished jobs visible)
        "--slurm-status-command", "squeue",
        "--slurm-init-seconds-before-status-checks", str(FIRST_POLL_S),
        "--slurm-keep-successful-logs",
        "--latency-wait", "5",
        "--retries", "0",
        "all",
    ]
    # cwd = the run dir: the plugin puts slurm-logdir under the directory snakemake starts in
    try:
        run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        output = error.stderr or b""
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        pytest.fail(f"workflow did not finish within {RUN_TIMEOUT_S} s:\n{output[-4000:]}")
    log = run.stdout + run.stderr
    (tmp_path / "snakemake-slurm.log").write_text(log)  # kept in pytest's tmp dir for a look afterwards
    assert run.returncode == 0, log[-6000:]

    # outputs
    for name in ("tables/table1.csv", "tables/table1.md", "tables/paper_comparison.md",
                 "metrics/scenario8/DBSCAN.csv", "metrics/scenario6_blinking/DBSCAN.csv"):
        assert (tmp_path / "results" / name).stat().st_size > 0, name

    # every non-local job was submitted with sbatch ...
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    submitted = {
        int(jobid): Path(logfile)
        for jobid, logfile in re.findall(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.", log)
    }
    finished_rules = set(re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", log))
    local_rules = set(re.findall(r"^localrule (\w+):", log, flags=re.MULTILINE))
    submitted_rules = {re.match(r"rule_(\w+)", logfile.relative_to(tmp_path / "logs" / "slurm").parts[0]).group(1)
                       for logfile in submitted.values()}
    assert {"dbscan_params", "dbscan_baseline", "metrics"} <= submitted_rules
    assert {"download_benchmark", "stats", "table1", "figure2"} <= local_rules  # the Snakefile's localrules
    assert submitted_rules == finished_rules - local_rules, log[-6000:]

    # ... ran to completion in SLURM (squeue keeps finished jobs for MinJobAge) ...
    states = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i|%T", f"--name={run_id}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert dict(line.split("|") for line in states) == {str(jobid): "COMPLETED" for jobid in submitted}

    # ... and left a SLURM log in which the job-step Snakemake ran the rule
    for jobid, logfile in submitted.items():
        assert logfile.name == f"{jobid}.log" and logfile.is_relative_to(tmp_path / "logs" / "slurm")
        text = logfile.read_text()
        assert "--executor slurm-jobstep" in text and "Finished jobid: 0" in text, f"{logfile}:\n{text[-2000:]}"

"""Shared fixtures: paths to the read-only data in ../shared/data, a config resolved as the workflow does,
Snakemake runs of the workflow, and the end-to-end runs started in the background (:func:`background`),
among them the simulated Scenario 2 run that several end-to-end tests share."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
BENCHMARK = SHARED_DATA / "nieves2023-benchmark"
AUTHORS = SHARED_DATA / "miro-authors"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
# a simulated scenario (Nieves Scenario 2 by miro.data.simulation.benchmark) added by a config file only
SIMULATED = REPO / "tests" / "config" / "simulated_scenario2.yaml"


# End-to-end runs of the workflow (and other long computations in processes of their own) started in
# the background: fixture name -> (seconds, runner, the run it follows or None). A workflow run's wall time is
# mostly start-up of job processes and waits between dependent jobs (a 2-core machine sits half idle
# during one run), so the session runs up to BACKGROUND_RUNS of them at a time, beside the unit
# tests, instead of one after another.
_RUNNERS = {}
BACKGROUND_RUNS = 3
_PROCESSES = []  # every background process, killed (its whole group) if the session ends first
_AT_SESSION_END = []  # clean-ups of the background runs (e.g. stopping the SLURM test cluster)
_LOCK = threading.Lock()


def background(seconds: float, after: str | None = None):
    """Decorator: make ``runner(tmp_path_factory)`` a session fixture of the same name whose work
    starts in a background thread as soon as the session knows its tests (if a selected test uses
    it); the fixture waits for it and gives the runner's return value, or its exception (a skip
    included). ``seconds``: about how long the run takes in ``make test`` (next to the other tests
    and runs); the longest runs start first. ``after``: the name of another background run (not
    itself a follow-up); the runner then starts once that one has ended, as
    ``runner(tmp_path_factory, its result)``: a follow-up run, which keeps its work out of the
    tests that run after all the others."""

    def register(runner):
        _RUNNERS[runner.__name__] = (seconds, runner, after)

        @pytest.fixture(scope="session", name=runner.__name__)
        def waits_for_the_run(background_runs):
            return background_runs[runner.__name__].result()

        waits_for_the_run.__doc__ = runner.__doc__
        return waits_for_the_run

    return register


def _run_chain(tmp_path_factory, futures: dict, name: str, followers: list) -> None:
    """Run ``name``, then each follow-up with its result, one after another in this thread (so a
    follow-up starts the moment its run ends, in the run's place in the pool), settling each
    one's future; the follow-ups of a run that failed get its exception."""
    first = futures[name]
    if not first.set_running_or_notify_cancel():  # cancelled: the session is ending
        return
    try:
        result = _RUNNERS[name][1](tmp_path_factory)
    except BaseException as error:  # pytest's skip and fail are BaseExceptions
        first.set_exception(error)
        for follower in followers:
            if futures[follower].set_running_or_notify_cancel():
                futures[follower].set_exception(error)
        return
    first.set_result(result)
    for follower in followers:
        future = futures[follower]
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(_RUNNERS[follower][1](tmp_path_factory, result))
        except BaseException as error:
            future.set_exception(error)


def at_session_end(cleanup):
    """Call ``cleanup()`` when the session ends (after its background processes are killed)."""
    with _LOCK:
        _AT_SESSION_END.append(cleanup)


def still_running(pids, within: float) -> list:
    """The processes of ``pids`` still running after waiting up to ``within`` seconds for them to
    end (a zombie has ended: it only waits for its parent to reap it)."""

    def running(pid):
        try:
            return "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone
            return False

    deadline = time.monotonic() + within
    while (left := [pid for pid in pids if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def popen(command, **kwargs):
    """``subprocess.Popen`` in a new process group that the session kills if it ends before the process."""
    process = subprocess.Popen(command, start_new_session=True, **kwargs)
    with _LOCK:
        _PROCESSES.append(process)
    return process


def _start_order() -> list:
    """The background runs, longest first (a run with its follow-ups): the order in which they
    start (and roughly end)."""

    def chain(name):
        return _RUNNERS[name][0] + sum(chain(other) for other, entry in _RUNNERS.items() if entry[2] == name)

    return sorted(_RUNNERS, key=lambda name: -chain(name))


def pytest_collection_modifyitems(items):
    """Tests that wait for a background run go last, those of the runs that start (and so end) first
    before the others, so that the other tests run while the background runs do and a test whose
    run is done does not wait behind one whose run is still going."""
    rank = {name: position for position, name in enumerate(_start_order())}
    items.sort(key=lambda item: max((rank[name] for name in getattr(item, "fixturenames", ()) if name in rank), default=-1))


@pytest.fixture(scope="session", autouse=True)
def background_runs(request, tmp_path_factory):
    """{fixture name: future} of the registered background runs that the selected tests use."""
    needed = {name for name in _RUNNERS if any(name in item.fixturenames for item in request.session.items)}
    needed |= {_RUNNERS[name][2] for name in needed if _RUNNERS[name][2] is not None}  # what follow-ups follow
    tmp_path_factory.getbasetemp()  # made here, once: the threads' first mktemp calls would race to make it
    pool = ThreadPoolExecutor(max_workers=BACKGROUND_RUNS, thread_name_prefix="workflow-run")
    futures = {name: Future() for name in needed}
    for name in (name for name in _start_order() if name in needed and _RUNNERS[name][2] is None):
        followers = [other for other in _start_order() if other in needed and _RUNNERS[other][2] == name]
        pool.submit(_run_chain, tmp_path_factory, futures, name, followers)
    yield futures
    for future in futures.values():
        future.cancel()
    with _LOCK:
        for process in _PROCESSES:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    pool.shutdown(wait=True)
    for cleanup in _AT_SESSION_END:
        cleanup()


def snakemake(*args, cwd=REPO, check=True):
    """``snakemake --snakefile Snakefile *args`` in a subprocess; raises with the log's tail when it fails and ``check``."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    process = popen([*SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), *args], cwd=cwd, env=env,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate()
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def jobs_run(result):
    """The rules of the jobs that a :func:`snakemake` run started, read from its log."""
    return set(re.findall(r"^(?:local)?rule (\w+):$", result.stdout + result.stderr, flags=re.MULTILINE))


def single_shot_mirror() -> Path:
    """The authors' single-shot folder as it is upstream (data/ clusters, models/ weights), made of
    links to ../shared/data/miro-authors/single-shot (which keeps the clusters at its top)."""
    mirror = Path(tempfile.gettempdir()) / f"miro-tests-{os.getuid()}" / "single-shot"
    mirror.mkdir(parents=True, exist_ok=True)
    for name, target in (("data", AUTHORS / "single-shot"), ("models", AUTHORS / "single-shot" / "models")):
        link = mirror / name
        try:
            link.symlink_to(target, target_is_directory=True)
        except FileExistsError:  # made by an earlier run, or just now by a @background fixture in another thread
            if not link.is_symlink():
                raise
    return mirror


def local_urls():
    """--config values that make the workflow download from the local copies in ../shared/data."""
    return [
        f"benchmark_base_url={BENCHMARK.as_uri()}",
        f"released_weights_base_url={(AUTHORS / 'benchmark-models').as_uri()}",
        f"single_shot_base_url={single_shot_mirror().as_uri()}",
    ]


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    """Local copy of the Nieves et al. (2023) benchmark (../shared/data/nieves2023-benchmark)."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    return BENCHMARK


@pytest.fixture(scope="session")
def authors_dir() -> Path:
    """Files released by the MIRO authors (../shared/data/miro-authors)."""
    if not AUTHORS.is_dir():
        pytest.skip(f"authors' files not found at {AUTHORS}")
    return AUTHORS


@background(seconds=140)
def simulated_run(tmp_path_factory):
    """The whole tests/config/simulated_scenario2.yaml workflow (data, training, tables, Figure 4a),
    run once per session with --cores 2, no GPU and the local download URLs: (run folder, result).
    Tests that add targets run them in this folder (tests/test_nanoclusters.py: with its extra
    config file, which adds rules and changes no other job, so only the new jobs run)."""
    folder = tmp_path_factory.mktemp("simulated-scenario2")
    result = snakemake("--cores", "2", "--directory", str(folder), "--configfile", str(SIMULATED),
                       "--resources", "gpu=0", "--config", *local_urls())
    return folder, result


@pytest.fixture(autouse=True)
def one_torch_thread():
    """One intra-op torch thread per test: on a shared 2-core machine two spinning threads
    were measured 4-9x slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def bf16_units(monkeypatch):
    """Let bf16 training run on any CPU: its arithmetic is tested everywhere, also where the CPU
    has no bfloat16 units and the library would refuse it as slow (tiny tests stay fast)."""
    monkeypatch.setattr("miro.training.loop.has_bf16_units", lambda device: True)


def resolve_config(*overlays):
    """The :class:`miro.experiments.Experiment` of config/config.yaml overlaid by ``overlays``
    (paths or YAML text), resolved as the workflow's common.smk does, without Snakemake runs."""
    from snakemake.utils import update_config, validate

    from miro.experiments import Experiment

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for overlay in overlays:
        update_config(config, yaml.safe_load(overlay.read_text() if isinstance(overlay, Path) else overlay))
    return Experiment.from_workflow_config(config, REPO, validate)

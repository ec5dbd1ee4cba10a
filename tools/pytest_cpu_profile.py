"""pytest plugin: where the CPU time of a test session goes, process by process.

Four times a second it reads the CPU time (user + system) of every process on the machine and
adds what each one spent since the last look to a category read off its command line: a
workflow job by its script (``job:train``, ``job:metrics``...), a Snakemake run, a dry run or
lint, pytest itself, the SLURM daemons, other Python processes. Processes that were running
before the session are left out, but not what other work starts meanwhile: profile on an
otherwise idle machine. At the end it writes the totals, largest first:

    PYTHONPATH=tools make test PYTEST_ARGS="-q -p pytest_cpu_profile"   # -> pytest-cpu-profile.txt

(``CPU_PROFILE=path`` names another file). A process that ends between two looks loses at most
its last quarter second. Needs psutil.
"""

from __future__ import annotations

import collections
import os
import re
import threading

import psutil

_SPENT: collections.Counter = collections.Counter()
_SEEN: dict = {}  # pid -> [category, CPU seconds counted so far]
_STOP = threading.Event()
_ALONE = ("slurmctld", "slurmd", "slurmstepd", "munged", "sbatch", "squeue", "scontrol", "snakefmt")


def _category(cmdline: list) -> str:
    line = " ".join(cmdline)
    job = re.search(r"scripts/tmp\w+\.(\w+)\.py", line)
    if job:
        return f"job:{job.group(1)}"
    if "snakemake" in line:
        if "--unlock" in line:
            return "snakemake --unlock"
        dry = " -n " in f"{line} " or "--dry-run" in line or "--lint" in line
        return "snakemake dry run or lint" if dry else "snakemake run"
    if "pytest" in line:
        return "pytest"
    for name in _ALONE:
        if name in line:
            return name
    if "multiprocessing" in line:
        return "multiprocessing worker"
    if "miro.cli" in line or "bin/miro" in line:
        return "miro command line"
    return "other python" if "python" in line else "other"


def _look() -> None:
    for process in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
        try:
            times = process.info["cpu_times"]
            if times is None:
                continue
            seen = _SEEN.setdefault(process.info["pid"], [_category(process.info["cmdline"] or []), 0.0])
            spent = times.user + times.system
            if seen[0] is not None and spent > seen[1]:
                _SPENT[seen[0]] += spent - seen[1]
            seen[1] = spent
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue


def pytest_configure(config):
    for process in psutil.process_iter(["pid"]):
        _SEEN[process.info["pid"]] = [None, 0.0]  # running before the session: not counted
    _SEEN[os.getpid()] = ["pytest", 0.0]

    def watch():
        while not _STOP.wait(0.25):
            _look()

    threading.Thread(target=watch, name="cpu-profile", daemon=True).start()


def pytest_unconfigure(config):
    _STOP.set()
    _look()
    lines = [f"{seconds:8.1f} s  {category}" for category, seconds in _SPENT.most_common()]
    lines.append(f"{sum(_SPENT.values()):8.1f} s  in all")
    with open(os.environ.get("CPU_PROFILE", "pytest-cpu-profile.txt"), "w") as out:
        out.write("\n".join(lines) + "\n")

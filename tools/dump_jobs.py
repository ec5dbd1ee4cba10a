"""Every job of a workflow as sorted JSON lines (rule, wildcards, inputs, outputs,
params, threads, resources, priority), from a forced dry run: the check that a
refactor changes no job of any preset.

    python tools/dump_jobs.py before.jsonl --configfile config/quick.yaml --directory /tmp/any
    ... change the code ...
    python tools/dump_jobs.py after.jsonl --configfile config/quick.yaml --directory /tmp/any
    cmp before.jsonl after.jsonl

Extra arguments go to snakemake; `--dry-run --forceall --quiet all` are added.
"""

import json
import sys

import snakemake.executors.dryrun as dryrun
from snakemake.cli import main

out = sys.argv[1]
records = []

def plain(value):
    """A JSON-serialisable copy of a param (repr for anything JSON cannot hold)."""
    try:
        json.dumps(value)
        return value
    except TypeError:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return repr(value)

original = dryrun.Executor.run_job


def run_job(self, job):
    """Record the job, then let the dry run go on."""
    jobs = job.jobs if job.is_group() else [job]
    for j in jobs:
        records.append(json.dumps({
            "rule": j.rule.name,
            "wildcards": dict(j.wildcards.items()),
            "input": plain(dict(j.input.items())) if len(j.input.keys()) else [str(f) for f in j.input],
            "input_files": sorted(str(f) for f in j.input),
            "output": sorted(str(f) for f in j.output),
            "params": plain({k: v for k, v in j.params.items()}),
            "threads": j.threads,
            "resources": plain({k: v for k, v in j.resources.items() if k not in ("_cores", "_nodes", "tmpdir")}),
            "priority": j.priority,
        }, default=repr))
    return original(self, job)


dryrun.Executor.run_job = run_job
try:
    main(sys.argv[2:] + ["--dry-run", "--forceall", "--quiet", "all"])
except SystemExit:
    pass
with open(out, "w") as fh:
    fh.write("\n".join(sorted(records)) + "\n")
print(len(records), "jobs ->", out, file=sys.stderr)

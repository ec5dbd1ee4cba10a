"""benchmarks/extrapolate_run.py: the dry-run parser and the replay of a DAG on cores and GPUs.
(Its predictions from a real run: tests/test_workflow.py::test_extrapolated_run_from_the_tiny_run.)"""

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from extrapolate_run import Job, epoch_seconds, main, parse_dry_run, replay  # noqa: E402

DRY_RUN = """
Building DAG of jobs...
[Mon Dec  7 21:05:44 2026]
rule simulate_dataset:
    output: resources/simulated/rings
    log: logs/simulate_dataset/rings.log
    jobid: 3
    benchmark: results/benchmarks/simulate_dataset/rings.tsv
    reason: Forced execution
    wildcards: scenario=rings
    priority: 3
    resources: tmpdir=/tmp
Shell command: None

[Mon Dec  7 21:05:44 2026]
rule train:
    input: results/training_sets/rings.pt, resources/simulated/rings/fov_1.csv
    output: results/models/rings/model.pt, results/models/rings/loss.tsv
    log: logs/train/rings.log
    jobid: 2
    benchmark: results/benchmarks/train/rings.tsv
    reason: Forced execution
    wildcards: model=rings
    priority: 1.4949999999999999
    threads: 2
    resources: tmpdir=/tmp, gpu=1
Shell command: None

[Mon Dec  7 21:05:44 2026]
localrule all:
    input: results/models/rings/model.pt, results/other.csv
    jobid: 0
    reason: Forced execution
    resources: tmpdir=/tmp
"""


def test_dry_run_jobs_and_what_they_need():
    jobs = {job.rule: job for job in parse_dry_run(DRY_RUN)}
    train = jobs["train"]
    assert (train.jobid, train.threads, train.gpu, train.priority) == (2, 2, 1, 1.4949999999999999)
    assert train.wildcards == {"model": "rings"} and train.benchmark == "results/benchmarks/train/rings.tsv"
    assert train.outputs == ["results/models/rings/model.pt", "results/models/rings/loss.tsv"]
    # an input inside another job's output folder depends on that job; an input nobody makes on none
    assert train.needs == {3}
    assert jobs["all"].needs == {2} and jobs["all"].benchmark is None
    assert (jobs["simulate_dataset"].threads, jobs["simulate_dataset"].gpu) == (1, 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.integers(1, 3), st.booleans(), st.sets(st.integers(0, 30), max_size=3)),
                min_size=1, max_size=25),
       st.integers(1, 4), st.integers(1, 2))
def test_replay_lies_between_its_bounds(specs, cores, gpus):
    """Wall time >= the critical path and >= job-seconds / cores (threads counted); on as many
    cores and GPUs as there are jobs it equals the critical path; on one core and no
    dependencies, the sum of the durations."""
    jobs = [Job(jobid=i, rule="r", seconds=s, threads=t, gpu=int(g), needs={n for n in needs if n < i})
            for i, (s, t, g, needs) in enumerate(specs)]
    wall, critical = replay(jobs, cores, gpus)
    work = sum(job.seconds * min(job.threads, cores) for job in jobs)
    assert wall >= critical - 1e-6 and wall >= work / cores - 1e-6
    assert wall <= sum(job.seconds for job in jobs) + 1e-6
    wide, wide_critical = replay(jobs, 3 * len(jobs), len(jobs))
    assert abs(wide - wide_critical) < 1e-6 and abs(wide_critical - critical) < 1e-6
    for job in jobs:
        job.needs = set()
    assert abs(replay(jobs, 1, gpus)[0] - sum(job.seconds for job in jobs)) < 1e-6


def test_gpu_jobs_take_turns():
    jobs = [Job(jobid=i, rule="train", seconds=10.0, gpu=1) for i in range(3)] + [Job(jobid=3, rule="metrics", seconds=10.0)]
    assert replay(jobs, 16, 1)[0] == 30.0  # the CPU job runs beside them
    assert replay(jobs, 16, 3)[0] == 10.0


def test_a_folder_without_a_run_is_one_line(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no results/benchmarks/" in error


def test_epochs_of_a_finished_and_of_an_unfinished_training(tmp_path):
    """loss.tsv when the training finished; else the epoch lines its log has so far; killed in
    its first epoch, the epoch its cost probe estimated."""
    logs = tmp_path / "logs" / "train"
    logs.mkdir(parents=True)
    probe = "2026-12-07 20:11:49,974 estimated training time on cuda: 5.5 h (30 epochs of 11 min)\n"
    (logs / "rings.log").write_text(probe + "2026-12-07 20:11:58,528 epoch 1/8: loss 0.144711 (8.5 s)\n"
                                    "2026-12-07 20:12:06,935 epoch 2/8: loss 0.123143 (8.3 s)\n")
    (logs / "pairs.log").write_text(probe)
    assert epoch_seconds(tmp_path, "rings")[0].tolist() == [8.5, 8.3]
    assert epoch_seconds(tmp_path, "pairs")[0].tolist() == [660.0]
    assert epoch_seconds(tmp_path, "cshape")[0].empty
    loss = tmp_path / "results" / "models" / "rings" / "loss.tsv"
    loss.parent.mkdir(parents=True)
    loss.write_text("epoch\tloss\tseconds\n1\t0.14\t8.4\n2\t0.12\t8.2\n3\t0.11\t8.1\n")
    epochs, source = epoch_seconds(tmp_path, "rings")
    assert epochs.tolist() == [8.4, 8.2, 8.1] and source == "loss.tsv"

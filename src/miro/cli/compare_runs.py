"""``miro compare-runs``: which outputs of two workflow runs differ, from their provenance records."""

from __future__ import annotations

__all__: list[str] = []


def run(args) -> int:
    """Run ``miro compare-runs``; exit status 1 when any output differs."""
    from miro.provenance import compare_runs, format_comparison

    comparison = compare_runs(args.run_a, args.run_b)
    print(format_comparison(comparison))
    return 1 if comparison["differ"] or comparison["only_a"] or comparison["only_b"] else 0


def add_parser(commands) -> None:
    """The ``compare-runs`` subcommand: options and help."""
    compare = commands.add_parser(
        "compare-runs",
        help="which outputs of two workflow runs differ, and by how much (from their results/provenance.json)",
        description="Compare two runs of the workflow through their provenance records: inputs that differ (commit, "
        "config, packages, platform), output files present in one run only, and output files whose bytes differ, "
        "with the per-column difference of tables found in both run folders. Exit status 0 when every output "
        "file is identical, 1 otherwise.",
    )
    compare.add_argument("run_a", metavar="RUN_A", help="run folder (holding results/provenance.json) or a provenance.json")
    compare.add_argument("run_b", metavar="RUN_B", help="the other run")
    compare.set_defaults(func=run)

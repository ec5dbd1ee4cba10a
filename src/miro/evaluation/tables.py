"""Table 1 of the paper as Markdown or LaTeX, and a side-by-side check against it.

Input is the long summary written by :func:`miro.evaluation.stats.summarize` (columns
``scenario, method, metric, mean, sd, n_fov``; ``table1.csv``) and, optionally,
the significance rows of :func:`miro.evaluation.stats.compare_methods`. The paper's own
numbers are transcribed in ``config/paper_table1.tsv`` (columns
``scenario, method, metric, mean, sd``; read it with :func:`read_paper_table1`).

Numbers are printed the way the paper prints them, see :func:`format_mean_sd`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Mapping

import pandas as pd

from miro._validation import check_long_table
from miro.errors import MiroInputError
from miro.evaluation.metrics import HIGHER_IS_BETTER, METRICS

__all__ = [
    "SCENARIO_LABELS",
    "METHOD_LABELS",
    "METRIC_LABELS_MARKDOWN",
    "METRIC_LABELS_LATEX",
    "RELATIVE_TOLERANCE_METRICS",
    "format_mean_sd",
    "read_paper_table1",
    "table1_markdown",
    "table1_latex",
    "paper_comparison_markdown",
    "dbscan_parameters_markdown",
    "method_parameters_markdown",
]

#: Row labels of Table 1, in the paper's order.
SCENARIO_LABELS: dict[str, str] = {
    "scenario8": "Scenario 8",
    "scenario8_blinking": "Scenario 8 blinking",
    "scenario9": "Scenario 9",
    "scenario9_blinking": "Scenario 9 blinking",
    "scenario5_blinking": "Scenario 5 blinking",
    "scenario6_blinking": "Scenario 6 blinking",
    "cshape": "C-shaped",
    "rings": "Rings",
}

#: Display names of method ids; MIRO-type methods are listed before DBSCAN.
METHOD_LABELS: dict[str, str] = {
    "MIRO": "MIRO",
    "MIRO_released": "MIRO (released weights)",
    "MIRO_single_shot": "MIRO single-shot",
    "MIRO_single_shot_released": "MIRO single-shot (released weights)",
    "MIRO_HDBSCAN": "MIRO + HDBSCAN",
    "DBSCAN": "DBSCAN",
}

METRIC_LABELS_MARKDOWN: dict[str, str] = {
    "ARI_dagger": "ARI†",
    "IoU": "IoU",
    "JIc": "JI_c",
    "RMSRE_N": "RMSRE_N",
    "RMSE_xy": "RMSE_x,y",
    "AMI": "AMI",
    "ARI_c": "ARI_c",
    "ARI": "ARI",
}

METRIC_LABELS_LATEX: dict[str, str] = {
    "ARI_dagger": r"ARI$^{\dagger}$",
    "IoU": "IoU",
    "JIc": r"JI$_{c}$",
    "RMSRE_N": r"RMSRE$_{N}$",
    "RMSE_xy": r"RMSE$_{x,y}$",
    "AMI": "AMI",
    "ARI_c": r"ARI$_{c}$",
    "ARI": "ARI",
}

#: Metrics compared with the paper by relative difference (> 10 % is flagged);
#: the others are bounded scores compared by absolute difference (> 0.02).
RELATIVE_TOLERANCE_METRICS: frozenset[str] = frozenset({"RMSRE_N", "RMSE_xy"})
ABSOLUTE_TOLERANCE = 0.02
RELATIVE_TOLERANCE = 0.10

_MISSING = "–"
_BASELINE = "DBSCAN"


# --------------------------------------------------------------------------- numbers
def _dec(x: float) -> Decimal:
    # repr() gives the shortest decimal that round-trips, so 0.825 rounds half-up to 0.83.
    return Decimal(repr(float(x)))


def _fmt_fixed(value: Decimal, decimals: int) -> str:
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # no "-0.00"
    return format(q, "f")


def _sd_decimals(sd: float) -> int:
    """Decimal place (may be negative) at which the paper's rule rounds ``sd`` > 0."""
    x = _dec(sd)
    e = x.adjusted()  # exponent of the leading digit
    two = x.quantize(Decimal(1).scaleb(e - 1), rounding=ROUND_HALF_UP)
    digits = two.as_tuple().digits
    if two.adjusted() == e and digits[0] == 1 and len(digits) > 1 and digits[1] != 0:
        return 1 - e  # two significant digits: 0.13, 0.11, 0.014
    one = x.quantize(Decimal(1).scaleb(e), rounding=ROUND_HALF_UP)
    return -one.adjusted()  # one significant digit, after any carry (0.096 -> 0.1)


def format_mean_sd(mean: float, sd: float, *, zero_sd_decimals: int = 3) -> str:
    """Format ``mean ± sd`` the way Table 1 of the paper does.

    Parameters
    ----------
    mean : float
        Mean over FOVs.
    sd : float
        Standard deviation over FOVs (≥ 0).
    zero_sd_decimals : int, default 3
        Decimals of the mean when ``sd`` is 0 or NaN (no precision to derive).

    Returns
    -------
    str
        e.g. ``"0.82 ± 0.04"``, ``"3.82 ± 0.13"``, ``"0.999 ± 0.005"``;
        ``"0.970 ± 0"`` when ``sd == 0``, ``"0.970 ± n/a"`` when ``sd`` is NaN,
        ``"–"`` when ``mean`` is NaN.

    Notes
    -----
    Rule derived from all 128 cells of Table 1:

    1. The SD is rounded to **one significant digit**, or to **two** when the
       two-digit rounding starts with 1 and its second digit is not 0
       (``0.13``, ``0.11``, ``0.014``; but ``0.010 → 0.01`` and ``0.096 → 0.1``).
    2. The mean is rounded to the **same decimal place** as the SD (trailing
       zeros kept: ``0.90 ± 0.07``, ``1.0 ± 0.2``). There is no minimum number
       of decimals: the paper prints ``0.3 ± 0.2``.

    Rounding is half-up on the shortest decimal representation of the float.
    Formatting the transcribed mean and SD of every cell of Table 1 gives back
    the printed cell (see ``tests/test_tables.py``).

    Examples
    --------
    >>> format_mean_sd(0.8213, 0.0412)
    '0.82 ± 0.04'
    >>> format_mean_sd(3.8207, 0.1298)
    '3.82 ± 0.13'
    >>> format_mean_sd(0.2987, 0.21)
    '0.3 ± 0.2'
    """
    mean, sd = float(mean), float(sd)
    if math.isnan(mean):
        return _MISSING
    if math.isinf(mean) or math.isinf(sd) or sd < 0:
        raise MiroInputError(f"format_mean_sd: expected a finite mean and sd ≥ 0, got mean={mean}, sd={sd}.")
    if math.isnan(sd) or sd == 0.0:
        tail = "0" if sd == 0.0 else "n/a"
        return f"{_fmt_fixed(_dec(mean), zero_sd_decimals)} ± {tail}"
    decimals = _sd_decimals(sd)
    return f"{_fmt_fixed(_dec(mean), decimals)} ± {_fmt_fixed(_dec(sd), decimals)}"


# --------------------------------------------------------------------------- inputs
def read_paper_table1(path: str | Path) -> pd.DataFrame:
    """Read the transcription of the paper's Table 1.

    Parameters
    ----------
    path : str or Path
        Tab-separated file with columns ``scenario, method, metric, mean, sd``
        (``config/paper_table1.tsv`` in the repository).

    Returns
    -------
    DataFrame
        The rows with ``mean`` and ``sd`` as floats (128 rows for the paper).
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, sep="\t")
    except FileNotFoundError as exc:
        raise MiroInputError(f"{path}: file not found; pass the path of paper_table1.tsv.") from exc
    missing = {"scenario", "method", "metric", "mean", "sd"} - set(df.columns)
    if missing:
        raise MiroInputError(f"{path}: missing column(s) {sorted(missing)}; expected scenario, method, metric, mean, sd.")
    return df.astype({"mean": float, "sd": float})


def _ordered(values, preferred) -> list:
    seen = list(dict.fromkeys(values))
    return [v for v in preferred if v in seen] + [v for v in seen if v not in preferred]


def _method_order(methods) -> list:
    methods = list(dict.fromkeys(methods))
    miro = [m for m in methods if str(m).upper().startswith("MIRO")]
    miro.sort(key=lambda m: (list(METHOD_LABELS).index(m) if m in METHOD_LABELS else len(METHOD_LABELS), str(m)))
    rest = [m for m in methods if m not in miro]
    rest.sort(key=lambda m: (m != _BASELINE, str(m)))
    return miro + rest


def _star_lookup(stats_df, long_df) -> dict:
    """Map (scenario, method, metric) -> stars string."""
    if stats_df is None:
        return {}
    if not isinstance(stats_df, pd.DataFrame) or not {"scenario", "metric", "stars"} <= set(stats_df.columns):
        raise MiroInputError("stats_df: expected the output of miro.evaluation.stats.compare_methods (scenario, metric, stars).")
    out = {}
    if "method" in stats_df.columns:
        for r in stats_df.itertuples(index=False):
            out[(r.scenario, r.method, r.metric)] = r.stars
        return out
    for r in stats_df.itertuples(index=False):
        candidates = [
            m for m in long_df.loc[long_df["scenario"] == r.scenario, "method"].unique() if str(m).upper().startswith("MIRO")
        ]
        if len(candidates) > 1:
            raise MiroInputError(
                f"stats_df: scenario {r.scenario!r} has several MIRO methods {candidates}; "
                f"add a 'method' column (compare_methods(..., method=...)) to say which one was tested."
            )
        for m in candidates:
            out[(r.scenario, m, r.metric)] = r.stars
    return out


def _table1_rows(long_df, stats_df, scenario_labels, metrics):
    """Yield (scenario_label or '', method_label, [(cell, stars or None), ...], first_of_group)."""
    labels = {**SCENARIO_LABELS, **(scenario_labels or {})}
    star = _star_lookup(stats_df, long_df)
    index = long_df.set_index(["scenario", "method", "metric"])
    for scenario in _ordered(long_df["scenario"], list(labels)):
        methods = _method_order(long_df.loc[long_df["scenario"] == scenario, "method"])
        for i, method in enumerate(methods):
            cells = []
            for metric in metrics:
                key = (scenario, method, metric)
                if key in index.index:
                    row = index.loc[key]
                    text = format_mean_sd(row["mean"], row["sd"])
                else:
                    text = _MISSING
                s = star.get(key)
                cells.append((text, s if s and s != "n/a" else None))
            yield (labels.get(scenario, str(scenario)) if i == 0 else ""), METHOD_LABELS.get(method, str(method)), cells, i == 0


def _md_escape(text: str) -> str:
    # Intraword underscores (JI_c) are literal in GFM; pipes and star runs are not.
    return str(text).replace("|", r"\|").replace("*", r"\*")


def table1_markdown(
    long_df: pd.DataFrame,
    stats_df: pd.DataFrame | None = None,
    scenario_labels: Mapping[str, str] | None = None,
    metrics: list[str] | None = None,
) -> str:
    """Table 1 as a GitHub-flavoured Markdown table.

    Parameters
    ----------
    long_df : DataFrame
        Long summary (``scenario, method, metric, mean, sd[, n_fov]``).
    stats_df : DataFrame, optional
        Output of :func:`miro.evaluation.stats.compare_methods` (one or several
        scenarios concatenated). Its stars are printed after the MIRO cells
        ("ns" included). Without a ``method`` column the stars go to the only
        MIRO-type method of the scenario.
    scenario_labels : mapping, optional
        Display names overriding :data:`SCENARIO_LABELS`.
    metrics : list of str, optional
        Columns to show; default every metric present, in Table 1 order.

    Returns
    -------
    str
        One row per scenario × method (MIRO-type methods first, then DBSCAN),
        scenarios in the paper's order, cells ``mean ± sd`` per
        :func:`format_mean_sd`, missing cells "–".
    """
    long_df = check_long_table(long_df, "long_df")
    metrics = list(metrics) if metrics is not None else _ordered(long_df["metric"], METRICS)
    header = ["Scenario", "Method", *(METRIC_LABELS_MARKDOWN.get(m, m) for m in metrics)]
    lines = [
        "| " + " | ".join(_md_escape(h) for h in header) + " |",
        "|" + "|".join([":--", ":--"] + [":-:"] * len(metrics)) + "|",
    ]
    for scen, meth, cells, _ in _table1_rows(long_df, stats_df, scenario_labels, metrics):
        texts = [t if s is None else f"{t} {s}" for t, s in cells]
        lines.append("| " + " | ".join(_md_escape(x) for x in [scen, meth, *texts]) + " |")
    return "\n".join(lines) + "\n"


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in str(text))


def _latex_cell(text: str, star: str | None) -> str:
    if text == _MISSING:
        cell = "--"
    else:
        mean, sd = text.split(" ± ")
        cell = f"${mean} \\pm {sd}$"
    if star:
        cell += r"\textsuperscript{" + _latex_escape(star) + "}"
    return cell


def table1_latex(
    long_df: pd.DataFrame,
    stats_df: pd.DataFrame | None = None,
    scenario_labels: Mapping[str, str] | None = None,
    metrics: list[str] | None = None,
    caption: str | None = None,
    label: str | None = None,
) -> str:
    """Table 1 as a LaTeX ``tabular`` with booktabs rules.

    Same arguments and layout as :func:`table1_markdown`; needs
    ``\\usepackage{booktabs}``. Labels are escaped for LaTeX, cells are
    ``$mean \\pm sd$`` with stars as ``\\textsuperscript``. With ``caption`` or
    ``label`` the tabular is wrapped in a ``table`` environment.
    """
    long_df = check_long_table(long_df, "long_df")
    metrics = list(metrics) if metrics is not None else _ordered(long_df["metric"], METRICS)
    header = ["Scenario", "Method", *(METRIC_LABELS_LATEX.get(m, _latex_escape(m)) for m in metrics)]
    lines = [r"\begin{tabular}{ll" + "c" * len(metrics) + "}", r"\toprule", " & ".join(header) + r" \\", r"\midrule"]
    first = True
    for scen, meth, cells, new_group in _table1_rows(long_df, stats_df, scenario_labels, metrics):
        if new_group and not first:
            lines.append(r"\addlinespace")
        first = False
        row = [_latex_escape(scen), _latex_escape(meth), *(_latex_cell(t, s) for t, s in cells)]
        lines.append(" & ".join(row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if caption is None and label is None:
        return "\n".join(lines) + "\n"
    wrapped = [r"\begin{table}", r"\centering"]
    if caption is not None:
        wrapped.append(r"\caption{" + _latex_escape(caption) + "}")
    if label is not None:
        wrapped.append(r"\label{" + str(label) + "}")
    return "\n".join(wrapped + lines + [r"\end{table}"]) + "\n"


# --------------------------------------------------------------------------- check against paper
def _paper_method(method: str) -> str:
    """The paper's row of a method: MIRO for every MIRO + DBSCAN method (not MIRO + HDBSCAN)."""
    return "MIRO" if str(method).upper().startswith("MIRO") and method != "MIRO_HDBSCAN" else str(method)


def _flag(metric: str, ours_mean: float, paper_mean: float, paper_sd: float) -> tuple[bool, str]:
    """Whether ``ours_mean`` differs from the paper beyond tolerance, and the difference as text.

    A value is flagged only when it is out of tolerance *and* it does not print
    as the paper's value at the paper's own precision (the paper prints
    RMSRE_N = 0.3 for any mean in [0.25, 0.35), so 0.27 agrees with it).
    """
    diff = ours_mean - paper_mean
    printed_alike = format_mean_sd(ours_mean, paper_sd).split(" ± ")[0] == format_mean_sd(paper_mean, paper_sd).split(" ± ")[0]
    if metric in RELATIVE_TOLERANCE_METRICS:
        if paper_mean != 0:
            rel = diff / abs(paper_mean)
        else:
            rel = math.copysign(math.inf, diff) if diff else 0.0
        return abs(rel) > RELATIVE_TOLERANCE and not printed_alike, f"{diff:+.3f} ({rel:+.0%})"
    return abs(diff) > ABSOLUTE_TOLERANCE and not printed_alike, f"{diff:+.3f}"


def paper_comparison_markdown(
    ours_long_df: pd.DataFrame,
    paper_long_df: pd.DataFrame,
    scenario_labels: Mapping[str, str] | None = None,
) -> str:
    """Our Table 1 next to the paper's, one Markdown table per scenario.

    Parameters
    ----------
    ours_long_df : DataFrame
        Our long summary (``scenario, method, metric, mean, sd[, n_fov]``).
        ``MIRO`` and ``MIRO_released`` are both compared with the paper's
        ``MIRO`` row, ``DBSCAN`` with ``DBSCAN``.
    paper_long_df : DataFrame
        The paper's values, e.g. :func:`read_paper_table1` of
        ``config/paper_table1.tsv``.
    scenario_labels : mapping, optional
        Display names overriding :data:`SCENARIO_LABELS`.

    Returns
    -------
    str
        A summary line, then per scenario a heading and a table with the
        columns Method, Metric, Ours, Paper, Ours − paper, Flag. The flag "⚠"
        marks |ours − paper| > 0.02 for bounded scores, or a relative
        difference > 10 % for RMSRE_N and RMSE_x,y (the difference column then
        also shows the relative one), unless our mean rounded to the paper's
        printed precision equals the printed value. Rows the paper lacks show
        "–" and are not flagged.
    """
    ours = check_long_table(ours_long_df, "ours_long_df")
    paper = check_long_table(paper_long_df, "paper_long_df").set_index(["scenario", "method", "metric"])
    labels = {**SCENARIO_LABELS, **(scenario_labels or {})}
    sections, n_flag, n_cmp = [], 0, 0
    for scenario in _ordered(ours["scenario"], list(labels)):
        sub = ours[ours["scenario"] == scenario]
        lines = [
            f"### {labels.get(scenario, scenario)}",
            "",
            "| Method | Metric | Ours | Paper | Ours − paper | Flag |",
            "|:--|:--|:-:|:-:|--:|:-:|",
        ]
        for method in _method_order(sub["method"]):
            for metric in _ordered(sub.loc[sub["method"] == method, "metric"], METRICS):
                row = sub[(sub["method"] == method) & (sub["metric"] == metric)].iloc[0]
                key = (scenario, _paper_method(method), metric)
                ours_txt = format_mean_sd(row["mean"], row["sd"])
                paper_txt, diff_txt, flag = _MISSING, _MISSING, ""
                if key in paper.index and not math.isnan(float(row["mean"])):
                    p = paper.loc[key]
                    paper_txt = format_mean_sd(p["mean"], p["sd"])
                    flagged, diff_txt = _flag(metric, float(row["mean"]), float(p["mean"]), float(p["sd"]))
                    n_cmp += 1
                    if flagged:
                        n_flag += 1
                        flag = "⚠"
                cells = [METHOD_LABELS.get(method, method), METRIC_LABELS_MARKDOWN.get(metric, metric), ours_txt, paper_txt, diff_txt, flag]
                lines.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
        sections.append("\n".join(lines))
    head = (
        f"{n_flag} of {n_cmp} values differ from the paper by more than {ABSOLUTE_TOLERANCE} "
        f"(bounded scores) or {RELATIVE_TOLERANCE:.0%} (RMSRE_N, RMSE_x,y) and do not round to the paper's "
        f"printed value, marked ⚠. "
        f"Lower is better for {', '.join(METRIC_LABELS_MARKDOWN[m] for m, up in HIGHER_IS_BETTER.items() if not up)}."
    )
    return _md_escape(head) + "\n\n" + "\n\n".join(sections) + "\n"


def dbscan_parameters_markdown(selections: Mapping[tuple[str, str], Mapping], scenario_labels: Mapping[str, str] | None = None) -> str:
    """The DBSCAN parameters of every scenario and method: the authors' fixed values,
    those tuned on the training FOVs, and which were used.

    Parameters
    ----------
    selections : mapping of (scenario, method) to mapping
        The ``dbscan_params`` JSON of each method: ``mode``, ``fixed`` and
        ``tuned`` (``eps`` in nm, ``min_samples``; ``tuned`` also ``score``
        and ``metric``).
    scenario_labels : mapping, optional
        Display names overriding :data:`SCENARIO_LABELS`.
    """
    labels = {**SCENARIO_LABELS, **(scenario_labels or {})}
    rows = []
    for (scenario, method), sel in selections.items():
        fixed, tuned = sel["fixed"], sel["tuned"]
        rows.append([
            labels.get(scenario, scenario),
            METHOD_LABELS.get(method, method),
            f"{fixed['eps']:g} / {fixed['min_samples']}",
            f"{tuned['eps']:g} / {tuned['min_samples']}",
            f"{tuned['metric']} = {tuned['score']:.3f}",
            sel["mode"],
        ])
    return _parameters_section(
        "### DBSCAN parameters",
        "eps in nm (for MIRO methods: in the squeezed coordinates), min_samples counts the point itself. "
        "Tuned = grid search on the scenario's training FOVs, never a test FOV.",
        "| Scenario | Method | Fixed (authors) eps / min_samples | Tuned eps / min_samples | Tuned score | Used |\n|:--|:--|:-:|:-:|:-:|:-:|",
        rows,
    )


def _parameters_section(title: str, note: str, header: str, rows) -> str:
    """A Markdown section: title, note, then a table of ``header`` and ``rows`` (cells escaped)."""
    lines = [title, "", note, "", header]
    lines += ["| " + " | ".join(_md_escape(str(c)) for c in cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


def method_parameters_markdown(selections: Mapping[tuple[str, str], Mapping], scenario_labels: Mapping[str, str] | None = None) -> str:
    """The parameters of the methods other than DBSCAN (HDBSCAN, OPTICS, ToMATo, MIRO + HDBSCAN), chosen
    on the training FOVs: ``selections`` maps (scenario, method) to their parameters file (``clusterer``,
    ``chosen``, ``tuned`` with ``score`` and ``metric``); lengths in nm."""
    labels = {**SCENARIO_LABELS, **(scenario_labels or {})}
    rows = []
    for (scenario, method), sel in selections.items():
        chosen = ", ".join(f"{key} {value:g}" if isinstance(value, (int, float)) else f"{key} {value}" for key, value in sel["chosen"].items())
        tuned = sel["tuned"]
        rows.append([labels.get(scenario, scenario), METHOD_LABELS.get(method, method), chosen, f"{tuned['metric']} = {tuned['score']:.3f}"])
    return _parameters_section(
        "### Parameters of the other methods",
        "The best point of each method's grid (config `method_grids`) on the scenario's training FOVs, never a test FOV; "
        "lengths in nm (MIRO + HDBSCAN: in the squeezed coordinates).",
        "| Scenario | Method | Parameters | Tuned score |\n|:--|:--|:--|:-:|",
        rows,
    )

"""Summary tables of a sweep: final errors, threshold crossings, convergence, cost."""

import csv
import glob
import math
import os
from collections import defaultdict

import numpy as np

from .profiles import Task


def load_results(results):
    """Read every finished run under ``results``.

    Returns
    -------
    dict
        ``{label: {sampler: {seed: rows}}}`` where ``rows`` is a list of dicts
        (one per history row, values converted to float where they are numbers)
        sorted by iteration.
    """
    runs = defaultdict(lambda: defaultdict(dict))
    for path in sorted(glob.glob(os.path.join(results, "*", "*.csv"))):
        with open(path, newline="") as stream:
            rows = [_convert(row) for row in csv.DictReader(stream)]
        if not rows:
            continue
        label = os.path.basename(os.path.dirname(path))
        rows.sort(key=lambda row: row["iteration"])
        runs[label][rows[0]["sampler"]][int(rows[0]["seed"])] = rows
    return runs


def _convert(row):
    converted = {}
    for key, value in row.items():
        if key in ("problem", "variant", "sampler"):
            converted[key] = value
            continue
        try:
            converted[key] = float(value)
        except ValueError:
            converted[key] = value
    return converted


def first_crossing(iterations, errors, threshold):
    """Return the first iteration whose error is at most ``threshold``, or None."""
    for iteration, error in zip(iterations, errors):
        if error <= threshold:
            return int(iteration)
    return None


def seed_mean_curve(seed_rows, column):
    """Return ``(iterations, mean, std)`` over seeds at the iterations all seeds share."""
    common = None
    for rows in seed_rows.values():
        iterations = {row["iteration"] for row in rows}
        common = iterations if common is None else common & iterations
    iterations = np.array(sorted(common or []))
    values = np.array([[row[column] for row in rows if row["iteration"] in common] for rows in seed_rows.values()])
    if values.size == 0:
        return iterations, np.array([]), np.array([])
    return iterations, values.mean(axis=0), values.std(axis=0)


def summarize(runs, entry):
    """Return summary rows for one profile entry's results.

    Parameters
    ----------
    runs : dict
        ``{sampler: {seed: rows}}`` of one problem label, from :func:`load_results`.
    entry : dict
        The profile entry: ``errors``, ``thresholds`` and ``converged_below`` are read.

    Returns
    -------
    list of dict
        One row per sampler and error measure: ``sampler``, ``error``, ``seeds``,
        ``final_mean``, ``final_std``, ``crossings`` (threshold -> iteration or
        None, on the mean over seeds), ``converged`` (seeds whose final error is at
        most ``converged_below``, or None), ``time_ratio`` (seconds per iteration
        relative to fixed points, or None without a fixed-points run).
    """
    errors = entry.get("errors", ["relative_l2_error"])
    thresholds = entry.get("thresholds", [])
    converged_below = entry.get("converged_below")

    seconds_per_iteration = {}
    for sampler, seed_rows in runs.items():
        rates = [rows[-1]["seconds"] / rows[-1]["iteration"] for rows in seed_rows.values() if rows[-1]["iteration"] > 0]
        seconds_per_iteration[sampler] = float(np.mean(rates)) if rates else math.nan
    fixed_rate = seconds_per_iteration.get("fixed")

    summary = []
    for error in errors:
        for sampler in _sampler_order(runs):
            seed_rows = runs[sampler]
            finals = np.array([rows[-1][error] for rows in seed_rows.values()])
            iterations, mean, _ = seed_mean_curve(seed_rows, error)
            summary.append(
                {
                    "sampler": sampler,
                    "error": error,
                    "seeds": len(seed_rows),
                    "final_mean": float(finals.mean()),
                    "final_std": float(finals.std()),
                    "crossings": {threshold: first_crossing(iterations, mean, threshold) for threshold in thresholds},
                    "converged": None if converged_below is None else int(np.sum(finals <= converged_below)),
                    "time_ratio": None if not fixed_rate else seconds_per_iteration[sampler] / fixed_rate,
                }
            )
    return summary


def _sampler_order(runs):
    preferred = ["fixed", "uniform", "r3", "rad", "breed"]
    return [name for name in preferred if name in runs] + sorted(set(runs) - set(preferred))


def summary_markdown(label, entry, summary, iterations):
    """Return a Markdown section with the summary table of one problem label."""
    thresholds = entry.get("thresholds", [])
    converged_below = entry.get("converged_below")
    header = ["sampler", "seeds", "final error (mean ± std)"]
    header += [f"first iteration ≤ {threshold:g}" for threshold in thresholds]
    if converged_below is not None:
        header.append(f"seeds ≤ {converged_below:g}")
    header.append("time / iteration vs fixed")

    lines = []
    for error in dict.fromkeys(row["error"] for row in summary):
        lines += [f"### {label}: {error}, {iterations} iterations", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in (row for row in summary if row["error"] == error):
            cells = [row["sampler"], str(row["seeds"]), f"{row['final_mean']:.3g} ± {row['final_std']:.2g}"]
            cells += ["not reached" if row["crossings"][threshold] is None else str(row["crossings"][threshold]) for threshold in thresholds]
            if converged_below is not None:
                cells.append(f"{row['converged']} of {row['seeds']}")
            cells.append("-" if row["time_ratio"] is None else f"{row['time_ratio']:.2f}")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def entry_label(entry):
    """Return the results folder name of a profile entry."""
    return Task(entry["problem"], entry.get("variant"), "", 0, 1).label

"""Figures of a sweep: error curves over seeds and the final points of each sampler."""

import os

import numpy as np
from matplotlib.figure import Figure

from .._files import atomic_path
from ..problems import PROBLEMS
from .summary import _sampler_order, seed_mean_curve

COLORS = {"fixed": "tab:gray", "uniform": "tab:blue", "r3": "tab:orange", "rad": "tab:green", "breed": "tab:red"}


def plot_errors(label, runs, error, path):
    """Draw the error against the iteration: mean ± std over seeds, and each seed."""
    figure = Figure(figsize=(12, 4.5), layout="constrained")
    mean_axis, seed_axis = figure.subplots(1, 2, sharey=True)

    for sampler in _sampler_order(runs):
        color = COLORS.get(sampler)
        iterations, mean, std = seed_mean_curve(runs[sampler], error)
        seeds = len(runs[sampler])
        mean_axis.plot(iterations, mean, color=color, label=f"{sampler} ({seeds} seeds)")
        mean_axis.fill_between(iterations, np.maximum(mean - std, 1e-12), mean + std, color=color, alpha=0.2)
        for index, rows in enumerate(runs[sampler].values()):
            seed_axis.plot(
                [row["iteration"] for row in rows], [row[error] for row in rows],
                color=color, linewidth=0.8, alpha=0.8, label=sampler if index == 0 else None,
            )

    for axis, title in ((mean_axis, "mean ± standard deviation over seeds"), (seed_axis, "each seed")):
        axis.set_yscale("log")
        axis.set_xlabel("iteration (optimizer steps or sampling rounds)")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    mean_axis.set_ylabel(f"{error.replace('_', ' ')} (dimensionless)")
    figure.suptitle(label)
    _save(figure, path)


def plot_points(label, runs, results, path):
    """Draw the final training points of the first seed of each sampler."""
    samplers = _sampler_order(runs)
    figure = Figure(figsize=(3.6 * len(samplers), 3.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(samplers), sharex=True, sharey=True))
    first_rows = next(iter(runs[samplers[0]].values()))
    problem_class = PROBLEMS.get(first_rows[0]["problem"])
    first_label, second_label = getattr(problem_class, "axis_labels", ("x1", "x2"))

    for axis, sampler in zip(axes, samplers):
        seed = min(runs[sampler])
        points = np.load(os.path.join(results, label, f"{sampler}-seed{seed}.npy"))
        # Time (or the second coordinate) runs left to right, as in the training summary.
        axis.scatter(points[:, 1], points[:, 0], s=1.5, alpha=0.6, color=COLORS.get(sampler))
        axis.set_title(f"{sampler}, seed {seed} ({len(points)} points)")
        axis.set_xlabel(second_label)
    axes[0].set_ylabel(first_label)
    figure.suptitle(f"{label}: training points at the end")
    _save(figure, path)


def _save(figure, path):
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=110, format="png")

"""Figures of a training run: error curve, collocation points, prediction and reference."""

import numpy as np
from matplotlib.figure import Figure

from ._files import atomic_path


def plot_training_summary(problem, model, history, sampler, path):
    """Draw the error curve, the current collocation points, the reference and the prediction.

    The PNG is written to a temporary file in the same folder and renamed to
    ``path``, so an interrupted run never leaves a half-written figure.
    """
    # The first input coordinate is drawn on the vertical axis, so time runs left to right.
    x, t, reference = problem.reference()
    first_label, second_label = problem.axis_labels
    prediction = problem.predict_grid(model)
    points = np.asarray(model.data.train_x_all)
    iterations = [row[0] for row in history]
    errors = [row[3] for row in history]

    # A bare Figure needs no pyplot backend, so plotting never changes the user's.
    figure = Figure(figsize=(11, 8), layout="constrained")
    axes = figure.subplots(2, 2)
    figure.suptitle(f"{problem.description}\nsampler: {sampler}")

    axis = axes[0, 0]
    axis.semilogy(iterations, errors, marker="o", markersize=3)
    axis.set_xlabel("iteration (Adam steps)")
    axis.set_ylabel("relative L2 error")
    axis.set_title(f"error against the reference (final {errors[-1]:.3g})")
    axis.grid(True, which="both", alpha=0.3)

    axis = axes[0, 1]
    axis.scatter(points[:, 1], points[:, 0], s=2, alpha=0.6)
    axis.set_xlim(t[0], t[-1])
    axis.set_ylim(x[0], x[-1])
    axis.set_xlabel(second_label)
    axis.set_ylabel(first_label)
    axis.set_title(f"collocation points at the end ({len(points)})")

    limits = {"vmin": min(reference.min(), prediction.min()), "vmax": max(reference.max(), prediction.max())}
    for axis, values, title in (
        (axes[1, 0], reference, f"reference u({first_label}, {second_label})"),
        (axes[1, 1], prediction, f"PINN prediction u({first_label}, {second_label})"),
    ):
        image = axis.pcolormesh(t, x, values.T, shading="auto", cmap="RdBu_r", **limits)
        axis.set_xlabel(second_label)
        axis.set_ylabel(first_label)
        axis.set_title(title)
        figure.colorbar(image, ax=axis, label="u")

    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")

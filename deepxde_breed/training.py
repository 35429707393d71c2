"""Train a ready-made problem with one sampler and record its error history.

This is the library side of ``python -m deepxde_breed train``: it builds the
model, attaches the sampler's callback, evaluates the relative L2 error against
the problem's reference solution at a fixed interval, and writes
``history.csv`` and ``summary.png`` into an output folder.
"""

import csv
import logging
import os
import time

import deepxde as dde
import numpy as np

from ._files import atomic_path
from ._validation import check_choice, check_integer
from .callbacks import BreedResampler, R3Resampler, RADResampler, UniformResampler

logger = logging.getLogger("deepxde_breed")

SAMPLERS = ("breed", "r3", "rad", "uniform", "fixed")
HISTORY_COLUMNS = ("iteration", "seconds", "training_loss", "relative_l2_error")


def make_sampler(name, problem, *, period=None, seed=None, log_every=None):
    """Return the callback for sampler ``name``, or ``None`` for fixed points.

    ``period=None`` keeps each callback's default period. Breed takes the
    problem's ``breed_settings``.
    """
    check_choice("sampler", name, SAMPLERS)
    if name == "fixed":
        return None
    options = {"seed": seed, "log_every": log_every}
    if period is not None:
        options["period"] = period
    if name == "breed":
        return BreedResampler(**problem.breed_settings, **options)
    if name == "r3":
        return R3Resampler(**options)
    if name == "rad":
        return RADResampler(**options)
    return UniformResampler(**options)


class ErrorHistory(dde.callbacks.Callback):
    """Record the training loss and the relative L2 error every ``every`` steps.

    ``seconds`` counts training time only: the time spent evaluating the error is
    left out. Each record is logged, and written to ``path`` when one is given
    (through a temporary file and a rename, so the CSV is never half-written).
    """

    def __init__(self, problem, every, total_iterations, path=None):
        super().__init__()
        self.problem = problem
        self.every = check_integer("eval_every", every, minimum=1)
        self.total_iterations = total_iterations
        self.path = path
        self.rows = []
        self._start = None
        self._evaluation_seconds = 0.0

    def on_train_begin(self):
        self._start = time.perf_counter()
        self._evaluation_seconds = 0.0
        if self.model.train_state.step == 0:
            self._record(loss=float("nan"))

    def on_epoch_end(self):
        step = self.model.train_state.step
        if step % self.every == 0 or step == self.total_iterations:
            self._record(loss=float(np.sum(self.model.train_state.loss_train)))

    def _record(self, loss):
        began = time.perf_counter()
        error = self.problem.relative_l2_error(self.model)
        self._evaluation_seconds += time.perf_counter() - began

        step = self.model.train_state.step
        seconds = time.perf_counter() - self._start - self._evaluation_seconds
        self.rows.append((step, seconds, loss, error))
        logger.info(
            "iteration %d/%d, %.1f s, training loss %.3e, relative L2 error %.4e",
            step, self.total_iterations, seconds, loss, error,
        )
        if self.path is not None:
            write_history(self.path, self.rows)


def write_history(path, rows):
    """Write history rows to ``path`` as CSV, atomically."""
    with atomic_path(path) as temporary, open(temporary, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HISTORY_COLUMNS)
        for iteration, seconds, loss, error in rows:
            writer.writerow([iteration, f"{seconds:.4f}", f"{loss:.8e}", f"{error:.8e}"])


def train_problem(problem, sampler, iterations, *, seed=0, output=None, period=None, eval_every=None):
    """Train ``problem`` with ``sampler`` and return the final relative L2 error.

    Parameters
    ----------
    problem : object
        A ready-made problem such as :class:`~deepxde_breed.problems.AllenCahn`.
    sampler : {"breed", "r3", "rad", "uniform", "fixed"}
        Collocation sampler; ``"fixed"`` keeps the initial points.
    iterations : int
        Adam iterations, >= 1.
    seed : int, default 0
        Seed of DeepXDE's global random state and of the sampler.
    output : str or None
        Folder for ``history.csv`` and ``summary.png``; created if missing.
    period : int or None
        Optimizer steps between resamples; ``None`` keeps the callback's default.
    eval_every : int or None
        Steps between error evaluations; ``None`` takes ``iterations // 20``.

    Returns
    -------
    dict
        ``metrics`` (``{"relative L2 error": value}``), ``history`` (rows of
        ``history_columns``), ``history_columns`` (``HISTORY_COLUMNS``),
        ``points`` (the final PDE collocation points), ``model`` and ``callback``.
    """
    iterations = check_integer("iterations", iterations, minimum=1)
    seed = check_integer("seed", seed, minimum=0)
    if eval_every is None:
        eval_every = max(1, iterations // 20)
    eval_every = check_integer("eval_every", eval_every, minimum=1)

    history_path = None
    if output is not None:
        os.makedirs(output, exist_ok=True)
        history_path = os.path.join(output, "history.csv")

    dde.config.set_random_seed(seed)
    model = problem.build_model()
    callback = make_sampler(sampler, problem, period=period, seed=seed, log_every=eval_every)
    history = ErrorHistory(problem, eval_every, iterations, history_path)
    callbacks = [history] if callback is None else [callback, history]

    logger.info(
        "training %s with %s sampling for %d iterations, seed %d",
        problem.description, sampler, iterations, seed,
    )
    model.train(iterations=iterations, callbacks=callbacks, display_every=eval_every, verbose=0)

    error = history.rows[-1][3]
    if output is not None:
        from .plotting import plot_training_summary

        plot_training_summary(problem, model, history.rows, sampler, os.path.join(output, "summary.png"))
    return {
        "metrics": {"relative L2 error": error},
        "history": history.rows,
        "history_columns": HISTORY_COLUMNS,
        "points": np.array(model.data.train_x_all),
        "model": model,
        "callback": callback,
    }

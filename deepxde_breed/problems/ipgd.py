"""IPGD: learn where gradient descent ends on a surface of Gaussian pits.

The surface on the square [-2, 2]^2 is

    f(x) = -sum_i w_i exp(-|x - c_i|^2 / (2 s_i^2)),

with the width ``s_i`` read as the standard deviation of pit ``i``. The default
pits, from the IPGD experiment of Dymchenko and Raffin ("Loss-driven sampling
within hard-to-learn areas for simulation-based neural network training", MLPS
workshop at NeurIPS 2023), are a wide deep pit at (-0.5, -0.5) (w = 0.895,
s = 0.4) and a narrow shallow one at (1.5, 1.5) (w = 0.005, s = 0.008). The
simulator maps a start point to the local minimum that gradient descent from it
reaches, and a network learns that map from simulated samples. The narrow pit
captures only about 0.56 % of the square, in a thin region that reaches from
(1.5, 1.5) to the corner (2, 2), and that region is the hard-to-learn area.

NOTE: the settings taken from the paper (pits, validation sets, optimizer, Breed
settings) come from a summary of its IPGD experiment and were not checked
against the published text. The widths could also be variances; see
``docs/ipgd.md`` for that reading and for what else is not known.
"""

import csv
import dataclasses
import logging
import os
import time

import deepxde as dde
import numpy as np
import torch

from .._files import atomic_path
from .._validation import check_choice, check_integer, check_real
from ..callbacks import BreedResampler, R3Resampler, UniformResampler
from ..simulation import SimulatorData

logger = logging.getLogger("deepxde_breed")

DEFAULT_CENTRES = ((-0.5, -0.5), (1.5, 1.5))
DEFAULT_WEIGHTS = (0.895, 0.005)
DEFAULT_WIDTHS = (0.4, 0.008)
SQUARE = (-2.0, 2.0)
SAMPLERS = ("breed", "r3", "uniform", "fixed")
PLATEAU_MONITORS = ("training", "validation")
HISTORY_COLUMNS = (
    # Named like the PINN problems' column so that sweeps share one layout; it counts rounds.
    "iteration",
    "seconds",
    "training_loss",
    "validation_error_uniform",
    "validation_error_hard",
    "mean_distance_uniform",
    "mean_distance_hard",
    "simulated_samples",
)


@dataclasses.dataclass
class DescentResult:
    """End of gradient descent from a set of start points.

    Attributes
    ----------
    end_points : numpy.ndarray
        Shape ``(n, dim)``, float64: the local minimum reached, or the last
        position where ``converged`` is false.
    num_steps : numpy.ndarray
        Shape ``(n,)``: descent steps taken from each start point.
    converged : numpy.ndarray
        Shape ``(n,)``, bool: whether the stopping rule held, that is the
        gradient norm was at most the tolerance and the Hessian positive definite.
    """

    end_points: np.ndarray
    num_steps: np.ndarray
    converged: np.ndarray


class GaussianPits:
    """Surface of negative Gaussian bells and a vectorised gradient descent on it.

    ``f(x) = -sum_i w_i exp(-|x - c_i|^2 / (2 s_i^2))``. Calling the object runs
    :meth:`descend` and returns the end points, so it serves as the simulator of
    :class:`~deepxde_breed.SimulatorData`.

    Gradient descent moves each point along ``-grad f / |grad f|`` by a step
    length chosen per point and per step:

    * ``t = min(|g| / kappa, step_fraction * min_i max(s_i, |x - c_i|))``, where
      ``kappa = g^T H g / |g|^2`` is the curvature of ``f`` along the gradient
      ``g`` (``H`` the Hessian); with ``kappa <= 0`` only the second term counts.
    * The first term is the minimiser of the quadratic model of ``f`` along
      ``-g``. Near a pit centre, where the pit is locally convex and isotropic,
      it is a Newton step and converges fast, whatever the curvature
      (about 5.6 for the default wide pit, 78 for the narrow one).
    * The second term caps the step at a fraction of the distance to the nearest
      centre, and at a fraction of the width inside a pit. Far from all pits the
      gradient can be 1e-11 or smaller, but the normalised direction still makes
      progress. Near a pit the steps shrink geometrically, so the path follows
      the gradient flow closely enough to resolve the narrow pit and does not
      jump over it.

    A point stops when ``|g| <= gradient_tolerance`` and ``H`` is positive
    definite, so it is within about ``gradient_tolerance / lambda_min(H)`` of a
    local minimum. A plateau where the gradient underflows to zero, or a saddle,
    fails the test. A point also stops where the gradient is exactly zero, or
    after ``max_steps`` steps, and is then reported as not converged. A start
    point that already satisfies the test takes no step and is returned
    unchanged. Paths are not clipped to any domain: the surface is defined
    everywhere, and the end point is the minimum that the path reaches.

    Parameters
    ----------
    centres : array_like, shape (k, dim)
        Pit centres ``c_i``, finite.
    weights : array_like, shape (k,)
        Pit depths ``w_i``, finite and > 0.
    widths : array_like, shape (k,)
        Pit standard deviations ``s_i``, finite and > 0.
    step_fraction : float, default 0.125
        Fraction of the distance to the nearest centre that caps a step, in
        (0, 1). On 100,000 uniform start points on the default pits, 0.0625 and
        0.03125 give the same end pits. The default differs from them at 1 point
        and 0.25 at 8.
    gradient_tolerance : float, default 1e-9
        Gradient norm below which a point in a convex region stops, > 0.
    max_steps : int, default 10000
        Maximum descent steps per point, >= 1. On the default pits no start
        point in [-2, 2]^2 needs more than 75.

    Attributes
    ----------
    num_calls, num_points, num_not_converged : int
        Calls of the simulator, start points simulated, and start points that
        did not reach a minimum, over the life of the object.
    """

    def __init__(
        self,
        centres=DEFAULT_CENTRES,
        weights=DEFAULT_WEIGHTS,
        widths=DEFAULT_WIDTHS,
        *,
        step_fraction=0.125,
        gradient_tolerance=1e-9,
        max_steps=10000,
    ):
        self.centres = _check_array("centres", centres, ndim=2)
        count = len(self.centres)
        if count == 0:
            raise ValueError("centres must contain at least one pit, got 0")
        self.weights = _check_array("weights", weights, ndim=1, size=count, positive=True)
        self.widths = _check_array("widths", widths, ndim=1, size=count, positive=True)
        self.dim = self.centres.shape[1]
        self.step_fraction = check_real("step_fraction", step_fraction, 0.0, 1.0, exclusive_minimum=True)
        if self.step_fraction == 1.0:
            raise ValueError(f"step_fraction must be in (0, 1), got {step_fraction!r}")
        self.gradient_tolerance = check_real("gradient_tolerance", gradient_tolerance, 0.0, exclusive_minimum=True)
        self.max_steps = check_integer("max_steps", max_steps, minimum=1)

        self.num_calls = 0
        self.num_points = 0
        self.num_not_converged = 0

    def value(self, points):
        """Return ``f`` at each row of ``points``, shape ``(n,)``."""
        _, bells = self._pit_terms(self._check_points(points))
        return -np.sum(bells, axis=1)

    def gradient(self, points):
        """Return the gradient of ``f`` at each row of ``points``, shape ``(n, dim)``."""
        offsets, bells = self._pit_terms(self._check_points(points))
        return _gradient(offsets, bells, self.widths)

    def gradient_norm(self, points):
        """Return the Euclidean norm of the gradient at each row of ``points``."""
        return np.linalg.norm(self.gradient(points), axis=1)

    def hessian(self, points):
        """Return the Hessian of ``f`` at each row of ``points``, shape ``(n, dim, dim)``."""
        offsets, bells = self._pit_terms(self._check_points(points))
        return _hessian(offsets, bells, self.widths)

    def descend(self, points):
        """Run gradient descent from every row of ``points`` at once.

        Returns
        -------
        DescentResult

        Raises
        ------
        ValueError
            If ``points`` is not a finite array of shape ``(n, dim)``.
        """
        positions = self._check_points(points).copy()
        count = len(positions)
        active = np.ones(count, dtype=bool)
        converged = np.zeros(count, dtype=bool)
        num_steps = np.zeros(count, dtype=np.int64)

        for step in range(self.max_steps + 1):
            rows = np.flatnonzero(active)
            if rows.size == 0:
                break
            offsets, bells = self._pit_terms(positions[rows])
            gradient = _gradient(offsets, bells, self.widths)
            norm = np.linalg.norm(gradient, axis=1)

            at_minimum = np.zeros(rows.size, dtype=bool)
            small = np.flatnonzero(norm <= self.gradient_tolerance)
            if small.size:
                hessian = _hessian(offsets[small], bells[small], self.widths)
                at_minimum[small] = np.linalg.eigvalsh(hessian)[:, 0] > 0
            converged[rows[at_minimum]] = True
            # A zero gradient away from a minimum (a saddle, or a plateau where
            # every bell underflows) gives no direction to move in.
            stopped = at_minimum | (norm == 0)
            active[rows[stopped]] = False
            if step == self.max_steps:
                break

            moving = ~stopped
            rows, offsets, bells = rows[moving], offsets[moving], bells[moving]
            gradient, norm = gradient[moving], norm[moving]
            direction = gradient / norm[:, None]
            lengths = self._step_lengths(offsets, bells, direction, norm)
            positions[rows] -= lengths[:, None] * direction
            num_steps[rows] += 1

        return DescentResult(positions, num_steps, converged)

    def __call__(self, points):
        """Return the end point of gradient descent from each row of ``points``.

        Start points that do not reach a minimum keep their last position, and a
        warning with their count is logged.
        """
        result = self.descend(points)
        self.num_calls += 1
        self.num_points += len(result.end_points)
        failed = int(np.count_nonzero(~result.converged))
        if failed:
            self.num_not_converged += failed
            first = np.flatnonzero(~result.converged)[0]
            logger.warning(
                "gradient descent reached no local minimum from %d of %d start points "
                "(stationary point that is not a minimum, or %d steps used); the first "
                "ends at %s; their last positions are returned",
                failed, len(result.end_points), self.max_steps, result.end_points[first].tolist(),
            )
        return result.end_points

    def _step_lengths(self, offsets, bells, direction, norm):
        """Return the step length of each point, see the class documentation."""
        variances = self.widths**2
        along = np.einsum("nkd,nd->nk", offsets, direction)
        curvature = np.sum(bells / variances * (1.0 - along**2 / variances), axis=1)
        convex = curvature > 0
        quadratic = np.full(len(norm), np.inf)
        quadratic[convex] = norm[convex] / curvature[convex]

        distances = np.linalg.norm(offsets, axis=2)
        cap = self.step_fraction * np.min(np.maximum(self.widths, distances), axis=1)
        return np.minimum(quadratic, cap)

    def _pit_terms(self, points):
        """Return the offsets ``x - c_i`` (n, k, dim) and the bells ``w_i exp(...)`` (n, k)."""
        offsets = points[:, None, :] - self.centres[None, :, :]
        squared = np.sum(offsets**2, axis=2)
        bells = self.weights * np.exp(-squared / (2.0 * self.widths**2))
        return offsets, bells

    def _check_points(self, points):
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != self.dim:
            raise ValueError(f"points must have shape (n, {self.dim}), got {points.shape}")
        if not np.all(np.isfinite(points)):
            raise ValueError("points must be finite, got NaN or infinite values")
        return points


def _gradient(offsets, bells, widths):
    return np.einsum("nk,nkd->nd", bells / widths**2, offsets)


def _hessian(offsets, bells, widths):
    variances = widths**2
    dim = offsets.shape[2]
    outer = offsets[:, :, :, None] * offsets[:, :, None, :] / variances[None, :, None, None]
    return np.einsum("nk,nkij->nij", bells / variances, np.eye(dim) - outer)


def _check_array(name, value, *, ndim, size=None, positive=False):
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from None
    if array.ndim != ndim:
        shape = "(k, dim)" if ndim == 2 else "(k,)"
        raise ValueError(f"{name} must have shape {shape}, got shape {array.shape}")
    if size is not None and len(array) != size:
        raise ValueError(f"{name} must have {size} entries, one per centre, got {len(array)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {array.tolist()}")
    if positive and np.any(array <= 0):
        raise ValueError(f"{name} must contain only values > 0, got {array.tolist()}")
    array.setflags(write=False)
    return array


class IPGD:
    """IPGD problem: simulator, validation sets, network, training with a sampler.

    A sampling round simulates the current ``N_s`` inputs and then takes
    ``steps_per_round`` full-batch Adam steps on them. The resampling callback
    runs once per round (its ``period`` is ``steps_per_round``), and so does the
    learning-rate scheduler.

    Parameters
    ----------
    num_points : int or None
        Training samples ``N_s`` per round, >= 1; ``None`` takes 1000.
    centres, weights, widths
        Pits of the surface, see :class:`GaussianPits`; 2-D centres.
    num_validation : int, default 10000
        Size of each validation set, >= 1.
    hard_gradient_threshold : float, default 4e-3
        A hard validation point has a gradient norm below this, > 0.
    validation_seed : int, default 2023
        Seed of both validation sets, >= 0. It is fixed so that every run,
        whatever its sampler and training seed, is scored on the same points.
    steps_per_round : int, default 100
        Full-batch Adam steps per sampling round, >= 1.
    hidden_layers : sequence of int, default (64, 64, 64)
        Widths of the hidden layers of the MLP.
    activation : str, default "relu"
        Activation of the hidden layers, any name DeepXDE accepts.
    plateau_monitor : {"training", "validation"}, default "training"
        Loss that steps ``ReduceLROnPlateau`` once per round: the mean Huber loss
        on the round's training samples, or on the uniform validation set.
    """

    name = "ipgd"
    description = "IPGD: end point of gradient descent on a wide and a narrow Gaussian pit in [-2, 2]^2 (surrogate)"
    default_iterations = 100
    default_num_points = 1000
    breed_settings = {
        "sigma": 0.005,
        "ratio_start": 0.15,
        "ratio_end": 0.7,
        "ratio_steps": 25,
        "schedule_counts": "resamples",
    }
    learning_rate = 1e-3
    weight_decay = 5e-5
    plateau_patience = 5

    def __init__(
        self,
        num_points=None,
        *,
        centres=DEFAULT_CENTRES,
        weights=DEFAULT_WEIGHTS,
        widths=DEFAULT_WIDTHS,
        num_validation=10000,
        hard_gradient_threshold=4e-3,
        validation_seed=2023,
        steps_per_round=100,
        hidden_layers=(64, 64, 64),
        activation="relu",
        plateau_monitor="training",
    ):
        if num_points is None:
            num_points = self.default_num_points
        self.num_points = check_integer("num_points", num_points, minimum=1)
        self.simulator = GaussianPits(centres, weights, widths)
        if self.simulator.dim != 2:
            raise ValueError(f"centres must be points of the plane, shape (k, 2), got shape {self.simulator.centres.shape}")
        self.num_validation = check_integer("num_validation", num_validation, minimum=1)
        self.hard_gradient_threshold = check_real(
            "hard_gradient_threshold", hard_gradient_threshold, 0.0, exclusive_minimum=True
        )
        self.validation_seed = check_integer("validation_seed", validation_seed, minimum=0)
        self.steps_per_round = check_integer("steps_per_round", steps_per_round, minimum=1)
        if isinstance(hidden_layers, (str, bytes)) or not hasattr(hidden_layers, "__iter__"):
            raise TypeError(f"hidden_layers must be a sequence of integers, got {hidden_layers!r}")
        self.hidden_layers = tuple(
            check_integer(f"hidden_layers[{index}]", width, minimum=1) for index, width in enumerate(hidden_layers)
        )
        if not self.hidden_layers:
            raise ValueError("hidden_layers must contain at least one layer width, got an empty sequence")
        if not isinstance(activation, str):
            raise TypeError(f"activation must be a name such as 'relu' or 'tanh', got {activation!r}")
        self.activation = activation
        self.plateau_monitor = check_choice("plateau_monitor", plateau_monitor, PLATEAU_MONITORS)
        self.geometry = dde.geometry.Rectangle([SQUARE[0]] * 2, [SQUARE[1]] * 2)
        self._validation = None
        self.hard_acceptance = None

    def validation_sets(self):
        """Return ``{"uniform": (x, y), "hard": (x, y)}``, built on first use.

        ``x`` are ``num_validation`` points of the square and ``y`` their
        simulated end points, both float64. The uniform points are drawn
        uniformly. The hard points are uniform draws whose gradient norm is below
        ``hard_gradient_threshold``. The share of draws that pass is stored in
        ``hard_acceptance``, about 0.52 on the default pits.
        """
        if self._validation is None:
            uniform_seed, hard_seed = np.random.SeedSequence(self.validation_seed).spawn(2)
            uniform_rng = np.random.default_rng(uniform_seed)
            uniform = uniform_rng.uniform(SQUARE[0], SQUARE[1], size=(self.num_validation, 2))
            hard = self._draw_hard_points(np.random.default_rng(hard_seed))
            self._validation = {
                "uniform": (uniform, self.simulator.descend(uniform).end_points),
                "hard": (hard, self.simulator.descend(hard).end_points),
            }
            for points, targets in self._validation.values():
                points.setflags(write=False)
                targets.setflags(write=False)
        return self._validation

    def _draw_hard_points(self, rng, max_draws=10**8):
        accepted = []
        remaining = self.num_validation
        drawn = 0
        passed = 0
        while remaining > 0:
            if drawn >= max_draws:
                raise RuntimeError(
                    f"hard validation set incomplete: {self.num_validation - remaining} of "
                    f"{self.num_validation} points with gradient norm below "
                    f"{self.hard_gradient_threshold} in {drawn} uniform draws; raise "
                    f"hard_gradient_threshold or change the pits"
                )
            candidates = rng.uniform(SQUARE[0], SQUARE[1], size=(max(4 * remaining, 1024), 2))
            flat = candidates[self.simulator.gradient_norm(candidates) < self.hard_gradient_threshold]
            drawn += len(candidates)
            passed += len(flat)
            accepted.append(flat[:remaining])
            remaining -= len(accepted[-1])
        self.hard_acceptance = passed / drawn
        return np.concatenate(accepted)

    def validation_metrics(self, model):
        """Return ``{set: (validation error, mean distance)}`` for both validation sets.

        The validation error is the mean squared Euclidean distance between the
        predicted and the true end points, ``mean_j |p_j - y_j|^2`` (twice the
        element-wise mean squared error). The mean distance ``mean_j |p_j - y_j|``
        is recorded beside it.
        """
        metrics = {}
        for name, (points, targets) in self.validation_sets().items():
            prediction = model.predict(points.astype(dde.config.real(np))).astype(np.float64)
            distance = np.linalg.norm(prediction - targets, axis=1)
            metrics[name] = (float(np.mean(distance**2)), float(np.mean(distance)))
        return metrics

    def validation_errors(self, model):
        """Return ``{"uniform": e1, "hard": e2}``, the mean squared distances to the true end points."""
        return {name: values[0] for name, values in self.validation_metrics(model).items()}

    def build_data(self, seed=None):
        """Build the training data: ``num_points`` uniform inputs and their end points."""
        return SimulatorData(self.geometry, self.simulator, self.num_points, seed=seed, loss="huber", huber_delta=1.0)

    def build_net(self):
        """Build the MLP 2-64-64-64-2 (by default) with L2 weight decay 5e-5."""
        layers = [2, *self.hidden_layers, 2]
        initializer = "He normal" if self.activation == "relu" else "Glorot normal"
        return dde.nn.FNN(layers, self.activation, initializer, regularization=["l2", self.weight_decay])

    def build_model(self, data):
        """Build and compile a ``dde.Model`` with Adam at learning rate 1e-3."""
        model = dde.Model(data, self.build_net())
        model.compile("adam", lr=self.learning_rate, verbose=0)
        return model

    def train(self, sampler, iterations, *, seed=0, output=None, period=None, eval_every=None):
        """Train with ``sampler`` for ``iterations`` sampling rounds.

        Parameters
        ----------
        sampler : {"breed", "r3", "uniform", "fixed"}
            How the inputs of the next round are chosen; ``"fixed"`` keeps the
            initial inputs.
        iterations : int
            Sampling rounds, >= 1.
        seed : int, default 0
            Seed of the network initialisation, the initial inputs and the
            sampler, >= 0.
        output : str or None
            Folder for ``history.csv`` and ``summary.png``; created if missing.
        period : int or None
            Adam steps per round, >= 1; ``None`` takes ``steps_per_round``.
        eval_every : int or None
            Rounds between validation evaluations, >= 1; ``None`` takes 1. The
            last round is always evaluated.

        Returns
        -------
        dict
            ``metrics`` (``{"validation error (uniform)": e1, "validation error
            (hard)": e2}``), ``history`` (rows of ``HISTORY_COLUMNS``),
            ``model``, ``data``, ``callback`` (``None`` for ``"fixed"``) and
            ``scheduler`` (the ``ReduceLROnPlateau`` instance).
        """
        sampler = check_choice("sampler", sampler, SAMPLERS)
        rounds = check_integer("iterations", iterations, minimum=1)
        seed = check_integer("seed", seed, minimum=0)
        period = self.steps_per_round if period is None else check_integer("period", period, minimum=1)
        eval_every = 1 if eval_every is None else check_integer("eval_every", eval_every, minimum=1)

        history_path = None
        if output is not None:
            os.makedirs(output, exist_ok=True)
            history_path = os.path.join(output, "history.csv")

        began = time.perf_counter()
        self.validation_sets()
        logger.info(
            "validation sets of %d points ready in %.1f s; %.1f %% of uniform draws are hard",
            self.num_validation, time.perf_counter() - began, 100 * self.hard_acceptance,
        )

        data_seed, sampler_seed = np.random.SeedSequence(seed).spawn(2)
        dde.config.set_random_seed(seed)
        data = self.build_data(np.random.default_rng(data_seed))
        model = self.build_model(data)
        callback = self._make_callback(sampler, period, np.random.default_rng(sampler_seed))
        monitor = _RoundMonitor(self, period, rounds, eval_every, history_path)
        # The monitor comes first so that it scores each round's inputs before the
        # resampler replaces them.
        callbacks = [monitor] if callback is None else [monitor, callback]

        logger.info(
            "training %s with %s sampling: %d rounds of %d full-batch Adam steps on N_s = %d samples, seed %d",
            self.name, sampler, rounds, period, self.num_points, seed,
        )
        model.train(iterations=rounds * period, callbacks=callbacks, display_every=period, verbose=0)

        errors = monitor.rows[-1][3:5]  # validation_error_uniform, validation_error_hard
        if output is not None:
            _plot_summary(self, model, monitor, sampler, os.path.join(output, "summary.png"))
        return {
            "metrics": {"validation error (uniform)": errors[0], "validation error (hard)": errors[1]},
            "history": monitor.rows,
            "history_columns": HISTORY_COLUMNS,
            "points": np.array(data.train_x),
            "model": model,
            "data": data,
            "callback": callback,
            "scheduler": monitor.scheduler,
        }

    def _make_callback(self, sampler, period, rng):
        if sampler == "breed":
            return BreedResampler(**self.breed_settings, period=period, seed=rng)
        if sampler == "r3":
            return R3Resampler(period=period, seed=rng)
        if sampler == "uniform":
            return UniformResampler(period=period, seed=rng)
        return None


class _RoundMonitor(dde.callbacks.Callback):
    """Close each sampling round: step the scheduler, evaluate, record and log.

    At the end of every round the training loss on that round's inputs steps
    ``ReduceLROnPlateau`` (patience in rounds). Every ``eval_every`` rounds, and at
    the last, both validation errors are computed and a history row is logged
    and written. ``seconds`` counts training only: the Adam steps, the
    resampling and the simulation, not the validation.
    """

    def __init__(self, problem, period, rounds, eval_every, path):
        super().__init__()
        self.problem = problem
        self.period = period
        self.rounds = rounds
        self.eval_every = eval_every
        self.path = path
        self.rows = []
        self.last_points = None
        self.scheduler = None
        self._start = None
        self._evaluation_seconds = 0.0

    def on_train_begin(self):
        # DeepXDE's PyTorch backend builds model.opt in compile, so the scheduler
        # is attached here rather than in __init__.
        self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            self.model.opt, mode="min", factor=0.1, patience=self.problem.plateau_patience
        )
        self._start = time.perf_counter()
        self._evaluation_seconds = 0.0
        self.last_points = np.array(self.model.data.train_x, copy=True)
        self._record(0, self._training_loss())

    def on_epoch_end(self):
        step = self.model.train_state.step
        if step % self.period != 0:
            return
        round_number = step // self.period
        loss = self._training_loss()
        self.scheduler.step(loss if self.problem.plateau_monitor == "training" else self._validation_loss())
        self.last_points = np.array(self.model.data.train_x, copy=True)
        if round_number % self.eval_every == 0 or round_number == self.rounds:
            self._record(round_number, loss)

    def _training_loss(self):
        return float(np.mean(self.model.data.pointwise_loss(self.model)))

    def _validation_loss(self):
        points, targets = self.problem.validation_sets()["uniform"]
        prediction = self.model.predict(points.astype(dde.config.real(np)))
        return float(np.mean(self.model.data.sample_losses(prediction, targets)))

    def _record(self, round_number, loss):
        began = time.perf_counter()
        metrics = self.problem.validation_metrics(self.model)
        seconds = began - self._start - self._evaluation_seconds
        simulated = self.model.data.num_simulated_samples
        uniform, hard = metrics["uniform"], metrics["hard"]
        self.rows.append((round_number, seconds, loss, uniform[0], hard[0], uniform[1], hard[1], simulated))
        logger.info(
            "round %d/%d, %.1f s, training loss %.3e, validation error %.4e (uniform) %.4e (hard), "
            "mean distance %.4e (uniform) %.4e (hard), %d simulated samples, learning rate %.1e",
            round_number, self.rounds, seconds, loss, uniform[0], hard[0], uniform[1], hard[1], simulated,
            self.model.opt.param_groups[0]["lr"],
        )
        if self.path is not None:
            _write_history(self.path, self.rows)
        self._evaluation_seconds += time.perf_counter() - began


def _write_history(path, rows):
    with atomic_path(path) as temporary, open(temporary, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HISTORY_COLUMNS)
        for round_number, seconds, loss, *errors, simulated in rows:
            writer.writerow([round_number, f"{seconds:.4f}", f"{loss:.8e}", *(f"{error:.8e}" for error in errors), simulated])


def _plot_summary(problem, model, monitor, sampler, path):
    """Write a PNG of the surface, the narrow pit's basin, the error curves and the error map.

    The first two panels also show the inputs of the last round.
    """
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    simulator = problem.simulator
    points = monitor.last_points
    figure = Figure(figsize=(12, 10), layout="constrained")
    axes = figure.subplots(2, 2)
    figure.suptitle(f"{problem.description}\nsampler: {sampler}, N_s = {problem.num_points}")

    grid = np.linspace(SQUARE[0], SQUARE[1], 201)
    first, second = np.meshgrid(grid, grid)
    values = simulator.value(np.stack([first.ravel(), second.ravel()], axis=1)).reshape(first.shape)
    axis = axes[0, 0]
    image = axis.pcolormesh(grid, grid, values, shading="auto", cmap="viridis")
    figure.colorbar(image, ax=axis, label="f(x)")
    axis.scatter(points[:, 0], points[:, 1], s=2, color="white", alpha=0.7)
    axis.set_title(f"surface and the {len(points)} inputs of the last round")
    _label_square(axis)

    # The narrowest pit is invisible at the scale of the square: show which pit
    # each point of its neighbourhood descends to, with the inputs there.
    narrow = int(np.argmin(simulator.widths))
    centre = simulator.centres[narrow]
    half = min(1.0, max(0.1, 75 * simulator.widths[narrow]))
    low = np.maximum(centre - half, SQUARE[0])
    high = np.minimum(centre + half, SQUARE[1])
    zoom_x = np.linspace(low[0], high[0], 161)
    zoom_y = np.linspace(low[1], high[1], 161)
    zoom_first, zoom_second = np.meshgrid(zoom_x, zoom_y)
    ends = simulator.descend(np.stack([zoom_first.ravel(), zoom_second.ravel()], axis=1)).end_points
    captured = (np.linalg.norm(ends - centre, axis=1) < simulator.widths[narrow]).reshape(zoom_first.shape)
    axis = axes[0, 1]
    axis.pcolormesh(zoom_x, zoom_y, captured.astype(float), shading="auto", cmap="Greys", vmin=0, vmax=2)
    inside = np.all((points >= low) & (points <= high), axis=1)
    axis.scatter(points[inside, 0], points[inside, 1], s=4, color="tab:red")
    axis.set_xlim(low[0], high[0])
    axis.set_ylim(low[1], high[1])
    axis.set_title(f"grey: basin of the pit at {centre.tolist()}; {int(inside.sum())} inputs here")
    _label_square(axis)

    rows = monitor.rows
    axis = axes[1, 0]
    axis.semilogy([row[0] for row in rows], [row[3] for row in rows], marker="o", markersize=2, label="uniform set")
    axis.semilogy([row[0] for row in rows], [row[4] for row in rows], marker="o", markersize=2, label="hard set")
    axis.set_xlabel("sampling round")
    axis.set_ylabel("mean squared distance to the true end point")
    axis.set_title(f"validation error (final {rows[-1][3]:.3g} uniform, {rows[-1][4]:.3g} hard)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()

    validation_points, targets = problem.validation_sets()["uniform"]
    prediction = model.predict(validation_points.astype(dde.config.real(np))).astype(np.float64)
    distance = np.linalg.norm(prediction - targets, axis=1)
    axis = axes[1, 1]
    floor = max(distance.max() * 1e-4, 1e-8)
    image = axis.scatter(
        validation_points[:, 0], validation_points[:, 1], c=np.maximum(distance, floor), s=3,
        cmap="magma", norm=LogNorm(vmin=floor, vmax=max(distance.max(), floor * 10)),
    )
    figure.colorbar(image, ax=axis, label="distance to the true end point")
    axis.set_title("error of the network on the uniform validation set")
    _label_square(axis)

    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=100, format="png")


def _label_square(axis):
    axis.set_xlabel("x1")
    axis.set_ylabel("x2")
    axis.set_aspect("equal")

"""Training data produced by a simulator, for simulation-based training with DeepXDE.

A simulator maps inputs to outputs, ``y = simulator(x)``, and each new input costs
a run of it. :class:`SimulatorData` contains ``num_points`` inputs with their simulated
targets and follows DeepXDE's data interface, so a ``deepxde.Model`` trains on it
like on ``deepxde.data.Function``. It also provides ``pointwise_loss(model)`` and
``replace_points(points)``, through which the resampling callbacks of
:mod:`deepxde_breed.callbacks` choose the next inputs and have them simulated.
"""

import numbers

import numpy as np
from deepxde import backend as bkd
from deepxde import config
from deepxde.data import Data

from ._validation import check_choice, check_integer, check_real
from .domain import Domain

LOSSES = ("squared_error", "huber")


class SimulatorData(Data):
    """Inputs in a DeepXDE geometry with targets from a simulator.

    The per-sample loss of input ``x_j`` with target ``y_j`` and prediction
    ``p_j`` is summed over the outputs ``k``:

    * ``"squared_error"``: ``l_j = sum_k (p_jk - y_jk) ** 2``;
    * ``"huber"``: ``l_j = sum_k h(p_jk - y_jk)`` with ``h(e) = e ** 2 / 2`` for
      ``|e| <= delta`` and ``delta * (|e| - delta / 2)`` beyond, as in
      ``torch.nn.HuberLoss``.

    The training loss is the mean of ``l_j`` over the set, so
    :meth:`pointwise_loss` returns exactly the terms that training averages.
    The ``loss`` given to ``Model.compile`` is ignored: this object sets the loss.

    Parameters
    ----------
    geom : deepxde.geometry.Geometry
        Domain of the inputs; any geometry that
        :class:`~deepxde_breed.domain.Domain` accepts.
    simulator : callable
        Vectorised simulator: takes a NumPy array of shape ``(n, dim)`` and
        returns an array of ``n`` rows of outputs (or ``n`` values for a single
        output). It receives the inputs exactly as they are stored in
        ``train_x``, in ``deepxde.config.real(np)``.
    num_points : int
        Number of training inputs ``N_s``, >= 1. The set keeps this size.
    seed : int, numpy.random.Generator or None, default None
        Seed of the uniform draw of the initial inputs. With ``None`` the
        generator is seeded from NumPy's global random state, so
        ``deepxde.config.set_random_seed`` makes the draw reproducible.
    test_points : array_like of shape (m, dim) or None, default None
        Fixed test inputs, simulated once here. Without them :meth:`test`
        returns the training set.
    loss : {"squared_error", "huber"}, default "squared_error"
        Per-sample loss, see above.
    huber_delta : float, default 1.0
        Threshold ``delta`` of the Huber loss, > 0.

    Attributes
    ----------
    train_x, train_y : numpy.ndarray
        Current inputs, shape ``(num_points, dim)``, and their simulated targets,
        shape ``(num_points, num_outputs)``, both in ``deepxde.config.real(np)``.
    test_x, test_y : numpy.ndarray or None
        Fixed test inputs and targets, or ``None``.
    num_simulator_calls : int
        Calls of ``simulator`` made by this object, the test set included.
    num_simulated_samples : int
        Inputs simulated by this object, the test set included.
    """

    def __init__(
        self,
        geom,
        simulator,
        num_points,
        *,
        seed=None,
        test_points=None,
        loss="squared_error",
        huber_delta=1.0,
    ):
        for attribute in ("bbox", "dim", "inside"):
            if not hasattr(geom, attribute):
                raise TypeError(
                    f"geom must be a DeepXDE geometry with bbox, dim and inside(); "
                    f"{type(geom).__name__} has no attribute {attribute!r}"
                )
        if not callable(simulator):
            raise TypeError(f"simulator must be callable, got {simulator!r} of type {type(simulator).__name__}")
        self.geom = geom
        self.simulator = simulator
        self.num_points = check_integer("num_points", num_points, minimum=1)
        self.loss = check_choice("loss", loss, LOSSES)
        self.huber_delta = check_real("huber_delta", huber_delta, 0.0, exclusive_minimum=True)
        self.domain = Domain(geom, dtype=config.real(np))

        self.num_simulator_calls = 0
        self.num_simulated_samples = 0
        self.num_outputs = None

        rng = _make_rng(seed)
        self.train_x = self.domain.sample(self.num_points, rng)
        self.train_y = self._simulate(self.train_x, "initial inputs")

        self.test_x = None
        self.test_y = None
        if test_points is not None:
            self.test_x = self._check_points("test_points", test_points)
            self.test_y = self._simulate(self.test_x, "test_points")

    def losses(self, targets, outputs, loss_fn, inputs, model, aux=None):
        """Return ``[mean per-sample loss]`` as a backend tensor, ignoring ``loss_fn``."""
        error = outputs - targets
        if self.loss == "squared_error":
            per_sample = bkd.sum(bkd.square(error), 1)
        else:
            # h(e) = q ** 2 / 2 + delta * (|e| - q) with q = min(|e|, delta) is the
            # Huber function on both sides of delta, with no branch.
            magnitude = bkd.abs(error)
            clipped = bkd.minimum(magnitude, bkd.as_tensor(self.huber_delta, dtype=magnitude.dtype))
            per_sample = bkd.sum(0.5 * bkd.square(clipped) + self.huber_delta * (magnitude - clipped), 1)
        return [bkd.reduce_mean(per_sample)]

    def train_next_batch(self, batch_size=None):
        """Return the whole training set ``(train_x, train_y)``.

        Raises
        ------
        ValueError
            If ``batch_size`` is not ``None``: mini-batches are not supported.
        """
        if batch_size is not None:
            raise ValueError(
                f"batch_size must be None (SimulatorData trains on the whole set of "
                f"{self.num_points} samples), got {batch_size!r}"
            )
        return self.train_x, self.train_y

    def test(self):
        """Return the fixed test set, or the current training set when there is none."""
        if self.test_x is None:
            return self.train_x, self.train_y
        return self.test_x, self.test_y

    def pointwise_loss(self, model):
        """Return the per-sample loss of each row of ``train_x`` at the current network.

        The prediction comes from ``model.predict``; the result is a float64 array
        of shape ``(num_points,)``.
        """
        prediction = np.asarray(model.predict(self.train_x), dtype=np.float64)
        targets = np.asarray(self.train_y, dtype=np.float64)
        return self.sample_losses(prediction.reshape(targets.shape), targets)

    def sample_losses(self, prediction, targets):
        """Return the per-sample loss of ``prediction`` against ``targets``, in float64."""
        error = np.asarray(prediction, dtype=np.float64) - np.asarray(targets, dtype=np.float64)
        if error.ndim == 1:
            error = error[:, None]
        if self.loss == "squared_error":
            return np.sum(error**2, axis=1)
        magnitude = np.abs(error)
        clipped = np.minimum(magnitude, self.huber_delta)
        return np.sum(0.5 * clipped**2 + self.huber_delta * (magnitude - clipped), axis=1)

    def replace_points(self, points):
        """Simulate ``points`` and make them the training set.

        ``train_x`` and ``train_y`` change together, and only after the
        simulator has returned finite outputs of the right shape.

        Raises
        ------
        ValueError
            If ``points`` does not have shape ``(num_points, dim)``, contains a
            point outside the domain, or the simulator returns NaN, infinite or
            misshapen outputs.
        """
        points = self._check_points("points", points)
        if len(points) != self.num_points:
            raise ValueError(
                f"points must have {self.num_points} rows (the training set keeps its size), "
                f"got {len(points)}"
            )
        outside = np.flatnonzero(~self.domain.contains(points))
        if outside.size:
            raise ValueError(
                f"points must lie in the domain; {outside.size} of {len(points)} do not, "
                f"the first is row {outside[0]}: {points[outside[0]].tolist()}"
            )
        targets = self._simulate(points, "points")
        self.train_x = points
        self.train_y = targets

    def _check_points(self, name, points):
        try:
            points = np.asarray(points, dtype=config.real(np))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of shape (n, {self.domain.dim}), got {points!r}") from None
        if points.ndim != 2 or points.shape[1] != self.domain.dim:
            raise ValueError(f"{name} must have shape (n, {self.domain.dim}), got {points.shape}")
        if not np.all(np.isfinite(points)):
            raise ValueError(f"{name} must be finite, got NaN or infinite values")
        return np.ascontiguousarray(points)

    def _simulate(self, points, label):
        """Run the simulator on ``points``, check its output and count the run."""
        outputs = np.asarray(self.simulator(points))
        self.num_simulator_calls += 1
        self.num_simulated_samples += len(points)

        if outputs.ndim == 1:
            outputs = outputs[:, None]
        if outputs.ndim != 2 or len(outputs) != len(points):
            raise ValueError(
                f"simulator must return {len(points)} rows of outputs for the {label}, "
                f"got an array of shape {outputs.shape}"
            )
        if not np.issubdtype(outputs.dtype, np.number) or np.iscomplexobj(outputs):
            raise ValueError(f"simulator must return real numbers, got dtype {outputs.dtype}")
        if self.num_outputs is None:
            self.num_outputs = outputs.shape[1]
        elif outputs.shape[1] != self.num_outputs:
            raise ValueError(
                f"simulator must return {self.num_outputs} outputs per input as before, "
                f"got {outputs.shape[1]} for the {label}"
            )

        invalid = np.flatnonzero(~np.all(np.isfinite(outputs), axis=1))
        if invalid.size:
            first = invalid[0]
            raise ValueError(
                f"simulator returned NaN or infinite outputs for {invalid.size} of "
                f"{len(points)} {label}; the first is input {points[first].tolist()} -> "
                f"{outputs[first].tolist()}. Check the simulator at that input."
            )
        return np.ascontiguousarray(outputs, dtype=config.real(np))


def _make_rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(np.random.randint(0, 2**32, size=4, dtype=np.uint64))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be a non-negative integer, a numpy.random.Generator or None, "
            f"got {seed!r} of type {type(seed).__name__}"
        )
    return np.random.default_rng(check_integer("seed", seed, minimum=0))

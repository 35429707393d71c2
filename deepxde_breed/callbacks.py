"""DeepXDE callbacks that replace the PDE collocation points during training.

Each callback takes the current PDE points of a DeepXDE ``PDE`` or ``TimePDE`` data
object, scores them with the per-point PDE loss, and puts a new set of the same
size in their place every ``period`` optimizer steps. Boundary and initial
condition points, ``num_bcs`` and ``data.anchors`` are left as they are, and the
next training step trains on the new points.
"""

import logging

import numpy as np
from deepxde import backend, config
from deepxde.callbacks import Callback

from ._validation import check_choice, check_integer, check_positive_vector, check_real
from .domain import Domain
from .residuals import ResidualCapture, predicted_loss
from .samplers import breed_points, r3_points, rad_points, uniform_points
from .schedules import linear_schedule

logger = logging.getLogger("deepxde_breed")


def is_sample_data(data):
    """Return True for simulation data: inputs scored by a per-sample loss.

    Such a data object has ``geom``, ``train_x``, ``pointwise_loss(model)``
    (one loss per row of ``train_x``) and ``replace_points(points)``, which
    runs the simulator on new inputs and replaces the targets.
    """
    return callable(getattr(data, "pointwise_loss", None)) and callable(getattr(data, "replace_points", None))


class _Resampler(Callback):
    """Common machinery: period, random generator, residual source and point swap.

    Subclasses implement ``_new_points(points, losses, step)`` and set
    ``needs_losses``.
    """

    needs_losses = True
    name = "resampler"

    def __init__(self, period, seed, log_every):
        super().__init__()
        self.period = check_integer("period", period, minimum=1)
        if seed is not None and not isinstance(seed, np.random.Generator):
            seed = check_integer("seed", seed, minimum=0)
        self.seed = seed
        if log_every is not None:
            log_every = check_integer("log_every", log_every, minimum=1)
        self.log_every = log_every

        self.rng = None
        self.domain = None
        self.num_resamples = 0
        self.residual_source = None
        self._capture = None
        self._original_pde = None
        self._last_resample_step = 0
        self._last_log_step = 0

    def on_train_begin(self):
        data = self.model.data
        self.sample_data = is_sample_data(data)
        if not self.sample_data:
            for attribute in ("geom", "pde", "train_x_all", "train_x_bc", "num_bcs"):
                if getattr(data, attribute, None) is None:
                    raise TypeError(
                        f"{type(self).__name__} needs a deepxde.data.PDE or TimePDE data object "
                        f"with a PDE and its training points, or a data object with "
                        f"pointwise_loss(model) and replace_points(points) such as "
                        f"deepxde_breed.SimulatorData; data.{attribute} is missing on "
                        f"{type(data).__name__}"
                    )

        if self.rng is None:
            self.rng = self._make_rng()
        if self.domain is None or self.domain.geometry is not data.geom:
            self.domain = Domain(data.geom, dtype=config.real(np))
        self._check_domain()

        self.num_points = len(self._current_points())
        self._last_resample_step = self.model.train_state.step
        self._last_log_step = self.model.train_state.step
        if self.needs_losses and not self.sample_data:
            self._install_capture()

    def on_train_end(self):
        self._remove_capture()

    def on_epoch_end(self):
        step = self.model.train_state.step
        if step - self._last_resample_step < self.period:
            return
        self._last_resample_step = step

        points = self._current_points()
        losses = self._losses(points) if self.needs_losses else None
        new_points = self._new_points(points, losses, step)
        if len(new_points) != self.num_points:
            raise RuntimeError(
                f"{type(self).__name__} produced {len(new_points)} points instead of "
                f"{self.num_points}; the collocation set must keep its size"
            )
        self._replace(new_points)
        self.num_resamples += 1

        if self.log_every is not None and step - self._last_log_step >= self.log_every:
            self._last_log_step = step
            logger.info("%s at iteration %d: %s", self.name, step, self._describe())

    def _make_rng(self):
        if isinstance(self.seed, np.random.Generator):
            return self.seed
        if self.seed is not None:
            return np.random.default_rng(self.seed)
        # Seeding from NumPy's global state lets deepxde.config.set_random_seed
        # reproduce a run that passes no seed.
        return np.random.default_rng(np.random.randint(0, 2**32, size=4, dtype=np.uint64))

    def _check_domain(self):
        """Check settings that depend on the domain; subclasses override."""

    def _install_capture(self):
        self._remove_capture()
        data = self.model.data
        if backend.backend_name != "pytorch":
            self.residual_source = "predict"
            return
        self._capture = ResidualCapture(data.pde, self.model.net)
        self._original_pde = data.pde
        data.pde = self._capture.wrapped

    def _remove_capture(self):
        if self._capture is not None and self.model.data.pde is self._capture.wrapped:
            self.model.data.pde = self._original_pde
        self._capture = None

    def _current_points(self):
        if self.sample_data:
            return self.model.data.train_x
        return self.model.data.train_x_all

    def _losses(self, points):
        data = self.model.data
        if self.sample_data:
            self.residual_source = "per-sample loss"
            return np.asarray(data.pointwise_loss(self.model), dtype=np.float64).reshape(-1)

        losses = None
        if self._capture is not None:
            num_inputs = len(data.train_x_bc) + len(points)
            losses = self._capture.take(num_inputs, len(points))
        if losses is not None:
            self.residual_source = "training step"
            return losses

        self.residual_source = "predict"
        pde = self._original_pde if self._capture is not None else data.pde
        return predicted_loss(self.model, pde, points)

    def _replace(self, new_points):
        data = self.model.data
        real = config.real(np)
        if self.sample_data:
            data.replace_points(np.ascontiguousarray(new_points, dtype=real))
            return

        data.train_x_all = np.ascontiguousarray(new_points, dtype=real)
        data.train_x = np.vstack((data.train_x_bc, data.train_x_all)).astype(real, copy=False)
        data.train_y = data.soln(data.train_x) if data.soln else None
        if data.auxiliary_var_fn is not None:
            data.train_aux_vars = data.auxiliary_var_fn(data.train_x).astype(real)

    def _describe(self):
        return f"{self.num_resamples} resamples, residual from {self.residual_source}"


class BreedResampler(_Resampler):
    """Replace the PDE collocation points with Breed points every ``period`` steps.

    Breed (Dymchenko and Raffin, 2023) draws ``floor(N_s * r)`` children from
    Gaussians ``N(x_j, sigma * I)`` around parents chosen with probability
    proportional to their per-point PDE loss ``l_j = sum_k r_k(x_j) ** 2``, and
    ``N_s - floor(N_s * r)`` uniform points; ``N_s`` is the number of PDE points
    the data object had when training began. The ratio ``r`` follows
    :func:`~deepxde_breed.schedules.linear_schedule` over the training iteration.

    A child outside the domain is drawn again from the same Gaussian, at most
    ``max_redraws`` times, and then becomes a uniform point; both are counted.

    Parameters
    ----------
    sigma : float or sequence of float, default 0.001
        Variance of each coordinate of a child around its parent: the covariance is
        ``sigma * I`` (``diag(sigma)`` for one value per coordinate, time last), so
        the standard deviation is ``sqrt(sigma)``. Dymchenko and Raffin use 0.001 on
        Allen-Cahn.
    ratio_start, ratio_end : float, default 0.15 and 0.7
        Share of children at iteration 0 and from iteration ``ratio_steps`` on, in
        [0, 1].
    ratio_steps : int, default 5000
        Length of the linear part of the ratio schedule, >= 0. The defaults are the
        Allen-Cahn scenario (0.15, 0.7, 5000) of Dymchenko and Raffin.
    schedule_counts : {"iterations", "resamples"}, default "iterations"
        Whether the schedule advances with the training iteration
        (``model.train_state.step``, as in the paper) or by one per resampling
        event.
    loss_power : float, default 1.0
        Parents are weighted by ``l_j ** loss_power``; ``loss_power = k / 2``
        weights them by ``|r| ** k``.
    subtract_min : bool, default False
        Subtract the smallest weight from all weights. ``loss_power=0.5,
        subtract_min=True`` weights parents by ``|r| - min |r|``.
    max_redraws : int, default 10
        Redraws of a child that falls outside the domain, >= 0.
    period : int, default 100
        Optimizer steps between resamples, >= 1.
    seed : int, numpy.random.Generator or None, default None
        Seed of the sampler's own generator. With ``None`` the generator is seeded
        from NumPy's global random state when training first begins, so
        ``deepxde.config.set_random_seed`` makes the run reproducible.
    log_every : int or None, default None
        Log the ratio, children and redraws through the ``deepxde_breed`` logger
        at most once per this many optimizer steps.

    Attributes
    ----------
    ratio : float
        Ratio used at the last resample.
    num_children, num_redraws, num_fallbacks : int
        Counts of the last resample.
    total_redraws, total_fallbacks : int
        Counts summed over all resamples of this instance.
    residual_source : str
        ``"training step"`` or ``"predict"``: where the last residual came from.
    """

    name = "Breed"

    def __init__(
        self,
        sigma=0.001,
        ratio_start=0.15,
        ratio_end=0.7,
        ratio_steps=5000,
        *,
        schedule_counts="iterations",
        loss_power=1.0,
        subtract_min=False,
        max_redraws=10,
        period=100,
        seed=None,
        log_every=None,
    ):
        super().__init__(period, seed, log_every)
        self.sigma = check_positive_vector("sigma", sigma)
        self.schedule = linear_schedule(ratio_start, ratio_end, ratio_steps)
        self.ratio_start, self.ratio_end, self.ratio_steps = ratio_start, ratio_end, ratio_steps
        self.schedule_counts = check_choice("schedule_counts", schedule_counts, ("iterations", "resamples"))
        self.loss_power = check_real("loss_power", loss_power, 0.0, exclusive_minimum=True)
        if not isinstance(subtract_min, (bool, np.bool_)):
            raise TypeError(f"subtract_min must be a bool, got {subtract_min!r}")
        self.subtract_min = bool(subtract_min)
        self.max_redraws = check_integer("max_redraws", max_redraws, minimum=0)

        self.ratio = self.schedule(0)
        self.num_children = 0
        self.num_redraws = 0
        self.num_fallbacks = 0
        self.total_redraws = 0
        self.total_fallbacks = 0

    def _check_domain(self):
        if self.sigma.ndim == 1 and self.sigma.size != self.domain.dim:
            raise ValueError(
                f"sigma must be a scalar or have {self.domain.dim} entries (one per "
                f"coordinate of the geometry), got {self.sigma.size}"
            )

    def _new_points(self, points, losses, step):
        position = step if self.schedule_counts == "iterations" else self.num_resamples
        self.ratio = self.schedule(position)
        result = breed_points(
            points,
            losses,
            self.ratio,
            self.sigma,
            self.domain,
            self.rng,
            loss_power=self.loss_power,
            subtract_min=self.subtract_min,
            max_redraws=self.max_redraws,
        )
        self.num_children = result.num_children
        self.num_redraws = result.num_redraws
        self.num_fallbacks = result.num_fallbacks
        self.total_redraws += result.num_redraws
        self.total_fallbacks += result.num_fallbacks
        return result.points

    def _describe(self):
        return (
            f"ratio {self.ratio:.3f}, {self.num_children} children, "
            f"{self.num_redraws} out-of-domain redraws, {self.num_fallbacks} uniform "
            f"fallbacks ({self.total_redraws} redraws in all), residual from "
            f"{self.residual_source}"
        )


class R3Resampler(_Resampler):
    """Retain the points of high residual and resample the rest (R3).

    R3 (Daw et al., "Mitigating propagation failures in physics-informed neural
    networks using retain-resample-release (R3) sampling", ICML 2023) keeps the
    points whose fitness ``|r(x_j)|`` exceeds the mean fitness and replaces all
    others with uniform points, so the set keeps its size. For a PDE system the
    fitness is the Euclidean norm of the residual vector.

    Parameters
    ----------
    period : int, default 1
        Optimizer steps between resamples, >= 1. Daw et al. resample at every
        iteration.
    seed, log_every
        As in :class:`BreedResampler`.

    Attributes
    ----------
    num_retained : int
        Points retained at the last resample.
    """

    name = "R3"

    def __init__(self, *, period=1, seed=None, log_every=None):
        super().__init__(period, seed, log_every)
        self.num_retained = 0

    def _new_points(self, points, losses, step):
        # For a PINN the fitness is the residual norm sqrt(l); for simulation data
        # the per-sample loss itself plays the part of the residual.
        fitness = losses if self.sample_data else np.sqrt(losses)
        result = r3_points(points, fitness, self.domain, self.rng)
        self.num_retained = result.num_retained
        return result.points

    def _describe(self):
        return (
            f"{self.num_retained} of {self.num_points} points retained, residual from "
            f"{self.residual_source}"
        )


class UniformResampler(_Resampler):
    """Replace the PDE collocation points with fresh uniform points.

    Unlike DeepXDE's ``PDEPointResampler``, the points are drawn from this
    callback's own generator by rejection in the geometry's bounding box, so they
    differ at every resample whatever distribution the geometry was built with.

    Parameters
    ----------
    period : int, default 100
        Optimizer steps between resamples, >= 1.
    seed, log_every
        As in :class:`BreedResampler`.
    """

    name = "Uniform"
    needs_losses = False

    def __init__(self, *, period=100, seed=None, log_every=None):
        super().__init__(period, seed, log_every)

    def _new_points(self, points, losses, step):
        return uniform_points(len(points), self.domain, self.rng)

    def _describe(self):
        return f"{self.num_resamples} resamples of {self.num_points} points"


class RADResampler(_Resampler):
    """Replace the PDE collocation points with a residual-based adaptive distribution.

    RAD (Wu et al., "A comprehensive study of non-adaptive and residual-based
    adaptive sampling for physics-informed neural networks", 2023) draws the new
    set from the density ``p(x) ∝ |r(x)| ** k / mean(|r| ** k) + c``. The density is
    evaluated on ``num_candidates`` fresh uniform candidates through
    ``model.predict(operator=pde)``, and ``N_s`` of them are drawn without
    replacement. Because the candidates are not training points, the residual
    always comes from ``model.predict``, one extra forward and backward pass over
    the candidates per resample.

    Parameters
    ----------
    k : float, default 1.0
        Exponent of the absolute residual, >= 0.
    c : float, default 1.0
        Constant added to the normalised density, >= 0.
    num_candidates : int or None, default None
        Uniform candidates per resample, at least ``N_s``; ``None`` takes
        ``10 * N_s``.
    period : int, default 100
        Optimizer steps between resamples, >= 1.
    seed, log_every
        As in :class:`BreedResampler`.
    """

    name = "RAD"
    needs_losses = False

    def __init__(self, k=1.0, c=1.0, *, num_candidates=None, period=100, seed=None, log_every=None):
        super().__init__(period, seed, log_every)
        self.k = check_real("k", k, 0.0)
        self.c = check_real("c", c, 0.0)
        if num_candidates is not None:
            num_candidates = check_integer("num_candidates", num_candidates, minimum=1)
        self.num_candidates = num_candidates

    def on_train_begin(self):
        super().on_train_begin()
        if self.sample_data:
            raise TypeError(
                "RADResampler needs a deepxde.data.PDE or TimePDE data object: scoring its "
                "candidates on simulation data would run the simulator on all of them; use "
                "BreedResampler or R3Resampler there"
            )
        if self.num_candidates is not None and self.num_candidates < self.num_points:
            raise ValueError(
                f"num_candidates must be >= the number of PDE points ({self.num_points}), "
                f"got {self.num_candidates}"
            )

    def _new_points(self, points, losses, step):
        count = self.num_candidates or 10 * len(points)
        candidates = self.domain.sample(count, self.rng)
        fitness = np.sqrt(predicted_loss(self.model, self.model.data.pde, candidates))
        self.residual_source = "predict"
        return rad_points(candidates, fitness, len(points), self.rng, k=self.k, c=self.c).points

    def _describe(self):
        count = self.num_candidates or 10 * self.num_points
        return f"{self.num_points} points drawn from {count} candidates, k = {self.k}, c = {self.c}"

"""DeepXDE callbacks that replace the PDE collocation points during training.

Each callback takes the current PDE points of a DeepXDE ``PDE`` or ``TimePDE`` data
object, scores them with the per-point PDE loss, and puts a new set of the same
size in their place every ``period`` optimizer steps. Boundary and initial
condition points, ``num_bcs`` and ``data.anchors`` are left as they are, and the
next training step trains on the new points.

The sampler state (points, counters and random generator) can be saved and
restored; :mod:`deepxde_breed.checkpoints` does so beside a DeepXDE checkpoint.
"""

import copy
import logging
import warnings

import numpy as np
from deepxde import backend, config, optimizers
from deepxde import data as dde_data
from deepxde.callbacks import Callback

from ._state import STATE_FORMAT, _STATE_KEYS, _generator_from_state, _json_round_trip, _read_state, _write_state
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


def check_supported(model, callback_name):
    """Raise if the backend or the data object of ``model`` cannot be resampled.

    Raises
    ------
    RuntimeError
        For a DeepXDE backend other than PyTorch.
    TypeError
        For operator-learning, integro-differential and fractional PDE data, for
        data without a PDE and its training points, and for a PDE data object
        whose ``train_x`` contains more than the condition and PDE points.
    """
    # Read at call time so that the check follows deepxde.backend.backend_name.
    if backend.backend_name != "pytorch":
        raise RuntimeError(
            f"{callback_name} supports only DeepXDE's PyTorch backend, but the backend in "
            f"use is {backend.backend_name!r}; set the environment variable "
            f"DDE_BACKEND=pytorch before deepxde is first imported"
        )

    data = model.data
    kind = type(data).__name__
    if isinstance(data, (dde_data.PDEOperator, dde_data.PDEOperatorCartesianProd)):
        raise TypeError(
            f"{callback_name} does not support operator-learning data ({kind}): its training "
            f"inputs pair sampled functions with points, so there is no per-point PDE loss "
            f"to resample by. Train a PINN on dde.data.PDE or dde.data.TimePDE instead, or "
            f"resample dde.data.PDEOperator uniformly with dde.callbacks.PDEPointResampler"
        )
    if isinstance(data, dde_data.IDE):
        raise TypeError(
            f"{callback_name} does not support integro-differential data ({kind}): its "
            f"training set also holds the quadrature points of every PDE point, which "
            f"replacing the PDE points would leave stale. Use dde.callbacks.PDEPointResampler "
            f"for uniform resampling; it rebuilds the quadrature points"
        )
    if isinstance(data, dde_data.FPDE):
        raise TypeError(
            f"{callback_name} does not support fractional PDE data ({kind}): its training set "
            f"and the cached fractional-derivative matrix are built from the PDE points, "
            f"which replacing the points would leave stale. Train it on fixed points"
        )
    if is_sample_data(data):
        return

    for attribute in ("geom", "pde", "train_x_all", "train_x_bc", "num_bcs"):
        if getattr(data, attribute, None) is None:
            raise TypeError(
                f"{callback_name} needs a deepxde.data.PDE or TimePDE data object "
                f"with a PDE and its training points, or a data object with "
                f"pointwise_loss(model) and replace_points(points) such as "
                f"deepxde_breed.SimulatorData; data.{attribute} is missing on {kind}"
            )
    expected = len(data.train_x_bc) + len(data.train_x_all)
    if data.train_x is None or len(data.train_x) != expected:
        rows = None if data.train_x is None else len(data.train_x)
        raise TypeError(
            f"{callback_name} needs data.train_x to be the condition points followed by "
            f"the PDE points, as in deepxde.data.PDE and TimePDE: {kind} has {rows} rows in "
            f"train_x for {len(data.train_x_bc)} condition and {len(data.train_x_all)} PDE points"
        )


class _Resampler(Callback):
    """Common machinery: period, random generator, residual source, point swap and state.

    Subclasses implement ``_new_points(points, losses, step)`` and set
    ``needs_losses``. Those with settings or counters of their own extend
    ``_settings``, ``_counters`` and ``_load_counters``.
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
        self.effective_period = self.period
        self._capture = None
        self._original_pde = None
        self._last_resample_step = 0
        self._last_log_step = 0
        self._lbfgs = False
        self._warnings_issued = set()
        # Set by load_state_dict and consumed when training resumes.
        self._resume_step = None
        self._loaded_points = None

    def on_train_begin(self):
        check_supported(self.model, type(self).__name__)
        data = self.model.data
        self.sample_data = is_sample_data(data)

        if self.rng is None:
            self.rng = self._make_rng()
        if self.domain is None or self.domain.geometry is not data.geom:
            self.domain = Domain(data.geom, dtype=config.real(np))
        self._check_domain()

        self.num_points = len(self._current_points())
        step = self.model.train_state.step
        if self._resume_step is not None:
            self._resume(step)
        else:
            # A fresh model.train call restarts the period count.
            self._last_resample_step = step
            self._last_log_step = step

        self._lbfgs = self.model.opt_name == "L-BFGS"
        self._check_lbfgs_period()
        if self.needs_losses and not self.sample_data and not self._lbfgs:
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

    def _check_lbfgs_period(self):
        """Work out the period that L-BFGS allows, and warn when it is not ``period``.

        In DeepXDE 1.15 with PyTorch, ``_train_pytorch_lbfgs`` calls the callbacks
        once per outer step, and one outer step runs ``torch.optim.LBFGS.step``
        for up to ``max_iter`` iterations. DeepXDE sets ``max_iter`` from
        ``LBFGS_options["iter_per_step"]``, which is ``min(1000, maxiter)`` for the
        ``maxiter`` in force when ``deepxde.optimizers`` was imported:
        ``set_LBFGS_options`` does not update it. A resample can happen only at an
        outer step, so with full outer steps the period in effect is ``period``
        rounded up to a multiple of ``max_iter``.
        """
        self.effective_period = self.period
        if self.model.opt_name == "L-BFGS-B":
            self._warn_once(
                f"{type(self).__name__}: DeepXDE 1.15 with the PyTorch backend trains nothing "
                f"after compile('L-BFGS-B'), so no resample will happen; compile with 'L-BFGS'"
            )
        if not self._lbfgs:
            return
        outer = int(self.model.opt.param_groups[0]["max_iter"])
        self.effective_period = -(-self.period // outer) * outer
        maxiter = int(optimizers.LBFGS_options["maxiter"])
        # The outer loop stops once maxiter iterations are reached, so it runs at
        # most maxiter + outer - 1 of them.
        longest = maxiter + outer - 1

        problems = []
        if self.effective_period != self.period:
            problems.append(
                f"period {self.period} cannot be honoured with L-BFGS, because DeepXDE calls "
                f"callbacks once per L-BFGS outer step of up to {outer} iterations; resampling "
                f"every {self.effective_period} iterations instead"
            )
        if self.period > longest:
            problems.append(
                f"this L-BFGS run stops within {longest} iterations (maxiter = {maxiter}), so "
                f"period {self.period} means it will not resample at all; lower period to at "
                f"most {longest} to resample during L-BFGS"
            )
        if problems:
            self._warn_once(f"{type(self).__name__}: " + ". ".join(problems))

    def _warn_once(self, message):
        """Issue ``message`` as a UserWarning and a log record, once per callback."""
        if message in self._warnings_issued:
            return
        self._warnings_issued.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)
        logger.warning("%s", message)

    def _install_capture(self):
        self._remove_capture()
        data = self.model.data
        self._capture = ResidualCapture(data.pde, self.model.net)
        self._original_pde = data.pde
        data.pde = self._capture.wrapped

    def _remove_capture(self):
        if self._capture is not None and self.model.data.pde is self._capture.wrapped:
            self.model.data.pde = self._original_pde
        self._capture = None

    def _current_points(self):
        data = self.model.data
        if is_sample_data(data):
            return data.train_x
        return data.train_x_all

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

        # No capture is installed under L-BFGS: its line search evaluates the loss
        # at trial parameters, so the last captured residual may belong to a trial
        # point rather than to the parameters the outer step ends with.
        self.residual_source = "predict"
        pde = self._original_pde if self._capture is not None else data.pde
        return predicted_loss(self.model, pde, points)

    def _replace(self, new_points):
        data = self.model.data
        real = config.real(np)
        if is_sample_data(data):
            data.replace_points(np.ascontiguousarray(new_points, dtype=real))
            return

        data.train_x_all = np.ascontiguousarray(new_points, dtype=real)
        data.train_x = np.vstack((data.train_x_bc, data.train_x_all)).astype(real, copy=False)
        data.train_y = data.soln(data.train_x) if data.soln else None
        if data.auxiliary_var_fn is not None:
            data.train_aux_vars = data.auxiliary_var_fn(data.train_x).astype(real)

    def _describe(self):
        return f"{self.num_resamples} resamples, residual from {self.residual_source}"

    # Saving and restoring the sampler state

    def state_dict(self):
        """Return the sampler state as a dict, for :meth:`load_state_dict` or :meth:`save`.

        The state contains the class name, the constructor settings, DeepXDE's
        ``train_state.step`` and ``iteration`` when it was taken, the resample and
        log counters, the random generator state (``rng.bit_generator.state``, or
        ``None`` before the generator exists), the counters of the last resample
        and a copy of the current PDE points (``None`` before the callback has
        been attached to a model).
        """
        model = self.model
        train_state = getattr(model, "train_state", None)
        points = None
        data = getattr(model, "data", None)
        if data is not None:
            current = data.train_x if is_sample_data(data) else getattr(data, "train_x_all", None)
            if current is not None:
                points = np.array(current, copy=True)
        return {
            "format": STATE_FORMAT,
            "class": type(self).__name__,
            "settings": self._settings(),
            "step": None if train_state is None else int(train_state.step),
            "iteration": None if train_state is None else int(train_state.iteration),
            "num_resamples": int(self.num_resamples),
            "last_resample_step": int(self._last_resample_step),
            "last_log_step": int(self._last_log_step),
            "rng": None if self.rng is None else copy.deepcopy(self.rng.bit_generator.state),
            "counters": self._counters(),
            "points": points,
        }

    def load_state_dict(self, state):
        """Restore a state from :meth:`state_dict` or :meth:`load`.

        The counters and the random generator are restored at once. The points
        replace the data object's PDE points when training next begins, or at once
        through :func:`restore_checkpoint`. The next ``model.train`` call then
        continues the period count of the saved run instead of restarting it, and
        raises ``ValueError`` unless ``model.train_state.step`` equals the saved
        step.

        Raises
        ------
        ValueError
            If the state has another format or class, lacks an entry, or contains
            an unknown random generator or invalid points.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict from state_dict(), got {type(state).__name__}")
        missing = [key for key in _STATE_KEYS if key not in state]
        if missing:
            raise ValueError(f"state is missing the entries {missing}; pass a dict from state_dict() or load()")
        if state["format"] != STATE_FORMAT:
            raise ValueError(
                f"state has format {state['format']!r}, but this version of deepxde_breed reads "
                f"format {STATE_FORMAT}"
            )
        if state["class"] != type(self).__name__:
            raise ValueError(
                f"state was saved by {state['class']}, so it cannot be loaded into "
                f"{type(self).__name__}; build a {state['class']} with the same settings"
            )
        self._warn_on_changed_settings(state["settings"])

        points = state["points"]
        if points is not None:
            points = np.asarray(points)
            if points.ndim != 2 or not np.all(np.isfinite(points)):
                raise ValueError(f"state points must be a finite array of shape (n, dim), got shape {points.shape}")
        rng = None if state["rng"] is None else _generator_from_state(state["rng"])

        self.rng = rng
        self.num_resamples = int(state["num_resamples"])
        self._last_resample_step = int(state["last_resample_step"])
        self._last_log_step = int(state["last_log_step"])
        self._load_counters(state["counters"])
        self._resume_step = None if state["step"] is None else int(state["step"])
        self._loaded_points = points

    def save(self, path):
        """Write :meth:`state_dict` to ``path`` as a NumPy ``.npz`` archive and return ``path``.

        The archive contains the points as an array and everything else as one JSON
        string, so :meth:`load` reads it with ``allow_pickle=False``. The file is
        written to a temporary name and renamed, so ``path`` is either complete or
        left as it was.
        """
        _write_state(path, self.state_dict())
        return path

    def load(self, path):
        """Read a state written by :meth:`save` or :func:`save_checkpoint` and load it."""
        state, _ = _read_state(path)
        self.load_state_dict(state)

    def _settings(self):
        """Constructor settings, compared on load to catch a mismatched callback."""
        seed = self.seed
        if isinstance(seed, np.random.Generator):
            seed = "numpy.random.Generator"
        return {"period": self.period, "seed": seed, "log_every": self.log_every}

    def _counters(self):
        """Counters of the last resample that the subclass reports."""
        return {}

    def _load_counters(self, counters):
        """Restore what :meth:`_counters` returned."""

    def _warn_on_changed_settings(self, saved):
        current = _json_round_trip(self._settings())
        saved = _json_round_trip(saved)
        changed = sorted(key for key in set(current) | set(saved) if current.get(key) != saved.get(key))
        if not changed:
            return
        details = ", ".join(f"{key} {saved.get(key)!r} -> {current.get(key)!r}" for key in changed)
        message = (
            f"{type(self).__name__}: loading a state saved with other settings ({details}); "
            f"the resumed run will differ from an uninterrupted one"
        )
        warnings.warn(message, UserWarning, stacklevel=3)
        logger.warning("%s", message)

    def _resume(self, step):
        """Continue the counters of a loaded state, after checking the model's step."""
        if step != self._resume_step:
            raise ValueError(
                f"{type(self).__name__} state was saved at step {self._resume_step}, but the "
                f"model is at step {step}. DeepXDE 1.15's Model.restore does not restore the "
                f"step count: restore with deepxde_breed.callbacks.restore_checkpoint, or set "
                f"model.train_state.step and model.train_state.iteration to "
                f"{self._resume_step} before training"
            )
        self._apply_loaded_points()
        self._resume_step = None

    def _apply_loaded_points(self):
        points, self._loaded_points = self._loaded_points, None
        if points is None:
            return
        current = self._current_points()
        if points.shape != current.shape:
            raise ValueError(
                f"{type(self).__name__} state contains PDE points of shape {points.shape}, but the "
                f"data object has {current.shape}; build the data object as in the saved run"
            )
        self._replace(points)


class BreedResampler(_Resampler):
    """Replace the PDE collocation points with Breed points every ``period`` steps.

    Breed (Dymchenko and Raffin, 2023) draws ``floor(N_s * r)`` children from
    Gaussians ``N(x_j, sigma * I)`` around parents chosen with probability
    proportional to their per-point PDE loss ``l_j = sum_k r_k(x_j) ** 2``. The
    other ``N_s - floor(N_s * r)`` points are uniform. ``N_s`` is the number of
    PDE points the data object had when training began. The ratio ``r`` follows
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
    effective_period : int
        Period in effect in the current ``model.train`` call: ``period``, or under
        L-BFGS ``period`` rounded up to a multiple of the L-BFGS outer step.
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

    def _settings(self):
        settings = super()._settings()
        settings.update(
            sigma=self.sigma.tolist(),
            ratio_start=self.ratio_start,
            ratio_end=self.ratio_end,
            ratio_steps=self.ratio_steps,
            schedule_counts=self.schedule_counts,
            loss_power=self.loss_power,
            subtract_min=self.subtract_min,
            max_redraws=self.max_redraws,
        )
        return settings

    def _counters(self):
        return {
            "ratio": self.ratio,
            "num_children": self.num_children,
            "num_redraws": self.num_redraws,
            "num_fallbacks": self.num_fallbacks,
            "total_redraws": self.total_redraws,
            "total_fallbacks": self.total_fallbacks,
        }

    def _load_counters(self, counters):
        self.ratio = float(counters["ratio"])
        for name in ("num_children", "num_redraws", "num_fallbacks", "total_redraws", "total_fallbacks"):
            setattr(self, name, int(counters[name]))

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

    def _counters(self):
        return {"num_retained": self.num_retained}

    def _load_counters(self, counters):
        self.num_retained = int(counters["num_retained"])

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

    def _settings(self):
        settings = super()._settings()
        settings.update(k=self.k, c=self.c, num_candidates=self.num_candidates)
        return settings

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

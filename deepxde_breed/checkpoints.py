"""Checkpoints: the sampler state beside a DeepXDE model checkpoint.

:func:`save_checkpoint` and :class:`ResamplerCheckpoint` write the sampler state
(points, counters and random generators) next to ``model.save``'s file, and
:func:`restore_checkpoint` reads both back, so that an interrupted run resumes
with the same points as an uninterrupted one.
"""

import logging
import os

from deepxde.callbacks import Callback

from ._state import _global_rng_states, _read_state, _set_global_rng_states, _write_state
from ._validation import check_integer
from .callbacks import _Resampler, check_supported

logger = logging.getLogger("deepxde_breed")


def checkpoint_state_path(model_path):
    """Return the path of the sampler state saved beside the model file ``model_path``.

    ``run/model-500.pt`` gives ``run/model-500.resampler.npz``.
    """
    root, _ = os.path.splitext(model_path)
    return f"{root}.resampler.npz"


def save_checkpoint(model, filepath, resampler, verbose=0):
    """Save the model, its optimizer and the sampler state at the current step.

    ``model.save(filepath)`` writes the network and optimizer state to
    ``{filepath}-{iteration}.pt`` (DeepXDE 1.15, PyTorch backend). The sampler
    state goes beside it (:func:`checkpoint_state_path`), together with the state
    of Python's, NumPy's and PyTorch's global random generators.

    Parameters
    ----------
    model : deepxde.Model
        The model being trained.
    filepath : str
        Prefix of the file names, as for ``model.save``.
    resampler : BreedResampler, R3Resampler, RADResampler or UniformResampler
        A callback that has trained ``model``.
    verbose : int, default 0
        Passed to ``model.save``.

    Returns
    -------
    tuple of str
        The model file and the sampler state file.
    """
    if resampler.model is not model:
        raise ValueError(
            f"{type(resampler).__name__} has not been used to train this model; save the "
            f"state of the callback passed to this model's model.train"
        )
    model_path = model.save(filepath, verbose=verbose)
    state_path = checkpoint_state_path(model_path)
    python_state, numpy_state, torch_state = _global_rng_states()
    _write_state(
        state_path,
        resampler.state_dict(),
        extra={"global_rng": {"python": python_state, "numpy": numpy_state}},
        arrays={"torch_rng_state": torch_state},
    )
    return model_path, state_path


def restore_checkpoint(model, model_path, resampler, *, state_path=None, device=None):
    """Restore a checkpoint written by :func:`save_checkpoint` or :class:`ResamplerCheckpoint`.

    The model must be built and compiled as in the saved run. This restores the
    network and optimizer state (``model.restore``), ``model.train_state.step`` and
    ``iteration`` (which DeepXDE 1.15's ``model.restore`` leaves at their current
    values), the sampler state of ``resampler``, the data object's PDE points and
    the global random generators. The next ``model.train(..., callbacks=[resampler])``
    then continues as the saved run would have.

    Parameters
    ----------
    model : deepxde.Model
        A freshly built and compiled model.
    model_path : str
        The ``.pt`` file returned by :func:`save_checkpoint`.
    resampler : BreedResampler, R3Resampler, RADResampler or UniformResampler
        A callback of the saved class, built with the same settings.
    state_path : str or None, default None
        Sampler state file; ``None`` takes :func:`checkpoint_state_path` of
        ``model_path``.
    device : str or None, default None
        Passed to ``model.restore``.

    Returns
    -------
    str
        The sampler state file read.
    """
    if state_path is None:
        state_path = checkpoint_state_path(model_path)
    # An unsupported model or a missing or invalid state file raises here, before
    # the model or the callback changes.
    check_supported(model, type(resampler).__name__)
    state, extras = _read_state(state_path)
    resampler.load_state_dict(state)
    resampler.set_model(model)

    model.restore(model_path, device=device)
    if state["step"] is not None:
        model.train_state.step = int(state["step"])
        model.train_state.iteration = int(state["iteration"])
    resampler._apply_loaded_points()
    global_rng = extras["json"].get("global_rng")
    if global_rng is not None:
        _set_global_rng_states(global_rng["python"], global_rng["numpy"], extras["arrays"].get("torch_rng_state"))
    return state_path


class ResamplerCheckpoint(Callback):
    """Save the model and the sampler state every ``period`` optimizer steps.

    A replacement for DeepXDE's ``ModelCheckpoint`` when a resampling callback is
    in use: each save writes ``{filepath}-{iteration}.pt`` through ``model.save``
    and the sampler state beside it (see :func:`save_checkpoint`). Put it after the
    resampler in the callback list, so that it saves the points chosen at the same
    step; ``on_train_begin`` raises ``ValueError`` otherwise. Resume with
    :func:`restore_checkpoint`.

    Parameters
    ----------
    filepath : str
        Prefix of the file names, as for ``model.save``.
    resampler : BreedResampler, R3Resampler, RADResampler or UniformResampler
        The resampling callback of the same ``model.train`` call.
    period : int, default 1000
        Optimizer steps between saves, >= 1. Under L-BFGS a save can happen only
        at an outer step, as for the resamplers.
    verbose : int, default 0
        Passed to ``model.save``.

    Attributes
    ----------
    saved : list of tuple of str
        ``(model file, sampler state file)`` of every save, oldest first.
    """

    def __init__(self, filepath, resampler, *, period=1000, verbose=0):
        super().__init__()
        if not isinstance(resampler, _Resampler):
            raise TypeError(
                f"resampler must be a BreedResampler, R3Resampler, RADResampler or "
                f"UniformResampler, got {type(resampler).__name__}"
            )
        self.filepath = os.fspath(filepath)
        self.resampler = resampler
        self.period = check_integer("period", period, minimum=1)
        self.verbose = verbose
        self.saved = []
        self._last_save_step = 0

    def on_train_begin(self):
        callbacks = list(getattr(self.model.callbacks, "callbacks", []))
        positions = [index for index, callback in enumerate(callbacks) if callback is self.resampler]
        own = next(index for index, callback in enumerate(callbacks) if callback is self)
        if not positions or positions[0] > own:
            raise ValueError(
                "ResamplerCheckpoint must come after its resampler in the callbacks list of "
                "model.train, so that it saves the points the resampler chose at the same step"
            )
        self._last_save_step = self.model.train_state.step

    def on_epoch_end(self):
        step = self.model.train_state.step
        if step - self._last_save_step < self.period:
            return
        self._last_save_step = step
        paths = save_checkpoint(self.model, self.filepath, self.resampler, verbose=self.verbose)
        self.saved.append(paths)
        logger.info("checkpoint at iteration %d: %s and %s", step, *paths)

"""Files of the sampler state: JSON settings and counters plus NumPy arrays, no pickle."""

import json
import random

import numpy as np
from deepxde import backend

from ._files import atomic_path

STATE_FORMAT = 1
"""Version of the file layout that ``save`` writes. ``load`` rejects files of another version."""

_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_STATE_KEYS = (
    "format", "class", "settings", "step", "iteration", "num_resamples",
    "last_resample_step", "last_log_step", "rng", "counters", "points",
)


def _write_state(path, state, extra=None, arrays=None):
    """Write a state dict as an ``.npz`` of a JSON string and arrays, atomically."""
    document = {key: value for key, value in state.items() if key != "points"}
    if extra:
        document.update(extra)
    entries = {"state": np.array(json.dumps(_to_json(document)))}
    if state["points"] is not None:
        entries["points"] = np.asarray(state["points"])
    for name, array in (arrays or {}).items():
        if array is not None:
            entries[name] = np.asarray(array)
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        np.savez(stream, **entries)


def _read_state(path):
    """Read a file written by :func:`_write_state` and return the state and the other entries."""
    with np.load(path, allow_pickle=False) as archive:
        if "state" not in archive.files:
            raise ValueError(f"{path} is not a sampler state file: it has no 'state' entry")
        document = _from_json(json.loads(archive["state"].item()))
        arrays = {name: archive[name] for name in archive.files if name not in ("state", "points")}
        points = archive["points"] if "points" in archive.files else None
    # Entries absent from the file stay absent, so load_state_dict names them.
    state = {key: document[key] for key in _STATE_KEYS if key in document}
    state["points"] = points
    extras = {"json": {key: value for key, value in document.items() if key not in _STATE_KEYS}, "arrays": arrays}
    return state, extras


def _to_json(value):
    """Convert a state to JSON types; arrays become ``{"ndarray": ..., "dtype": ...}``."""
    if isinstance(value, dict):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _from_json(value):
    """Invert :func:`_to_json` (tuples come back as lists)."""
    if isinstance(value, dict):
        if set(value) == {"ndarray", "dtype"}:
            return np.asarray(value["ndarray"], dtype=np.dtype(value["dtype"]))
        return {key: _from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def _json_round_trip(value):
    return json.loads(json.dumps(_to_json(value)))


def _generator_from_state(state):
    """Build a ``numpy.random.Generator`` whose bit generator has ``state``."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _BIT_GENERATORS:
        raise ValueError(
            f"state rng must be the state of one of the bit generators {', '.join(_BIT_GENERATORS)}, "
            f"got {name!r}"
        )
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def _global_rng_states():
    """Return the states of Python's, NumPy's and PyTorch's global generators."""
    # NOTE: CUDA generators are not saved, so GPU runs that draw random numbers on
    # the device (dropout, for example) do not resume exactly.
    torch_state = backend.torch.get_rng_state().numpy() if backend.backend_name == "pytorch" else None
    return random.getstate(), np.random.get_state(legacy=False), torch_state


def _set_global_rng_states(python_state, numpy_state, torch_state):
    version, internal, gauss = python_state
    random.setstate((version, tuple(internal), gauss))
    np.random.set_state(numpy_state)
    if torch_state is not None:
        torch = backend.torch
        torch.set_rng_state(torch.from_numpy(np.array(torch_state, dtype=np.uint8)))

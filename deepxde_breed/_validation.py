"""Argument checks shared by the samplers and callbacks.

Every check raises ``TypeError`` for a value of the wrong type and ``ValueError``
for a value outside its allowed range. Each message names the parameter, the
allowed range and the value received, in one format.
"""

import numbers

import numpy as np


def check_integer(name, value, minimum=None, maximum=None):
    """Return ``value`` as an ``int`` after checking its type and range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    _check_range(name, value, minimum, maximum)
    return value


def check_real(name, value, minimum=None, maximum=None, *, exclusive_minimum=False):
    """Return ``value`` as a finite ``float`` after checking its type and range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if exclusive_minimum and minimum is not None and value <= minimum:
        raise ValueError(f"{name} must be > {minimum}, got {value!r}")
    _check_range(name, value, minimum, maximum)
    return value


def check_positive_vector(name, value, size=None):
    """Return a float64 array of positive finite entries from a scalar or a sequence.

    A scalar is returned as a 0-d array. A sequence must have ``size`` entries when
    ``size`` is given.
    """
    if value is None or isinstance(value, (bool, str, bytes)):
        raise TypeError(f"{name} must be a positive number or a sequence of them, got {value!r}")
    if isinstance(value, numbers.Real):
        return np.asarray(check_real(name, value, 0.0, exclusive_minimum=True))
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a positive number or a sequence of them, got {value!r}"
        ) from None
    if array.ndim == 0:
        return np.asarray(check_real(name, float(array), 0.0, exclusive_minimum=True))
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a scalar or a non-empty 1-D sequence, got shape {array.shape}")
    if size is not None and array.size != size:
        raise ValueError(f"{name} must have {size} entries (one per coordinate), got {array.size}")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must contain only finite values > 0, got {array.tolist()}")
    return array


def check_choice(name, value, choices):
    """Return ``value`` after checking that it is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def _check_range(name, value, minimum, maximum):
    if minimum is not None and maximum is not None:
        if not minimum <= value <= maximum:
            raise ValueError(f"{name} must be in [{minimum}, {maximum}], got {value!r}")
    elif minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    elif maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value!r}")

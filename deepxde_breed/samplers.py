"""Collocation samplers over NumPy arrays: Breed, R3 and uniform resampling.

The functions here know nothing of DeepXDE models or backends. Each takes the
current points, a per-point loss or fitness, a :class:`~deepxde_breed.domain.Domain`
and a ``numpy.random.Generator``, and returns a new set of the same size whose
points all lie in the domain. The DeepXDE callbacks in
:mod:`deepxde_breed.callbacks` are thin adapters around them.
"""

import dataclasses
import logging
import math
import warnings

import numpy as np

from ._validation import check_integer, check_positive_vector, check_real

logger = logging.getLogger("deepxde_breed")


@dataclasses.dataclass
class BreedResult:
    """New collocation set from :func:`breed_points`.

    Attributes
    ----------
    points : numpy.ndarray
        Shape ``(n, dim)``. The first ``num_children`` rows are children, the rest
        are uniform points.
    num_children : int
        Children drawn around parents: ``floor(n * ratio)``, or 0 when no loss was
        usable.
    num_redraws : int
        Child draws that fell outside the domain and were drawn again from the same
        Gaussian.
    num_fallbacks : int
        Children still outside after ``max_redraws`` redraws, replaced by a uniform
        point. They stay counted in ``num_children``.
    num_invalid_losses : int
        Losses that were NaN, infinite or negative and so gave no parent.
    """

    points: np.ndarray
    num_children: int
    num_redraws: int
    num_fallbacks: int
    num_invalid_losses: int


@dataclasses.dataclass
class R3Result:
    """New collocation set from :func:`r3_points`.

    Attributes
    ----------
    points : numpy.ndarray
        Shape ``(n, dim)``. The first ``num_retained`` rows are the retained points
        in their original order, the rest are uniform points.
    num_retained : int
        Points whose fitness exceeded the mean fitness.
    num_invalid_fitness : int
        Fitness values that were NaN, infinite or negative; those points are
        never retained.
    """

    points: np.ndarray
    num_retained: int
    num_invalid_fitness: int


def num_children(num_points, ratio):
    """Return ``floor(num_points * ratio)``, the Breed children count.

    The product is rounded to 9 decimals before the floor, so that round-off such
    as ``0.29 * 100 = 28.999999999999996`` gives 29 children, not 28.
    """
    num_points = check_integer("num_points", num_points, minimum=0)
    ratio = check_real("ratio", ratio, 0.0, 1.0)
    return math.floor(round(num_points * ratio, 9))


def parent_probabilities(losses, *, loss_power=1.0, subtract_min=False):
    """Turn per-point losses into the categorical distribution of Breed parents.

    The weight of point ``j`` is ``w_j = l_j ** loss_power``, minus the smallest
    weight when ``subtract_min`` is true, and ``p_j = w_j / sum(w)``. NaN,
    infinite and negative losses get probability 0. The computation runs in float64
    on losses scaled by their maximum, so huge or tiny losses neither overflow nor
    underflow to an all-zero vector.

    Parameters
    ----------
    losses : array_like, shape (n,)
        Per-point losses. For a PINN trained on mean squared residuals this is
        ``l_j = sum_k r_k(x_j) ** 2`` over the PDE's outputs.
    loss_power : float, default 1.0
        Exponent applied to the loss, > 0. For a PINN, ``loss_power = k / 2``
        weights parents by ``|r| ** k``. Dymchenko and Raffin weight by the loss
        itself (``loss_power = 1``).
    subtract_min : bool, default False
        Subtract the smallest valid weight from every weight. With
        ``loss_power = 0.5`` this weights parents by ``|r| - min |r|``.

    Returns
    -------
    probabilities : numpy.ndarray or None
        Float64 vector summing to 1, or ``None`` when no loss is usable (all
        invalid, or all weights zero).
    num_invalid : int
        Number of NaN, infinite or negative losses.
    """
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    loss_power = check_real("loss_power", loss_power, 0.0, exclusive_minimum=True)

    valid = np.isfinite(losses) & (losses >= 0)
    num_invalid = int(np.count_nonzero(~valid))
    weights = np.zeros_like(losses)
    if not np.any(valid):
        return None, num_invalid

    largest = losses[valid].max()
    if largest == 0:
        return None, num_invalid
    weights[valid] = (losses[valid] / largest) ** loss_power
    if subtract_min:
        weights[valid] -= weights[valid].min()

    total = weights.sum()
    if not total > 0:
        return None, num_invalid
    return weights / total, num_invalid


def breed_points(
    points,
    losses,
    ratio,
    sigma,
    domain,
    rng,
    *,
    loss_power=1.0,
    subtract_min=False,
    max_redraws=10,
):
    """Draw a new Breed collocation set (Dymchenko and Raffin, 2023).

    With ``n = len(points)`` and ``n_c = floor(n * ratio)``:

    1. parent counts ``m ~ Multinomial(n_c, p)`` with ``p`` from
       :func:`parent_probabilities`, so a high-loss parent can have many children
       and a low-loss one none;
    2. ``m_j`` children drawn from the Gaussian ``N(x_j, diag(sigma))`` around each
       parent ``x_j``;
    3. ``n - n_c`` points drawn uniformly in the domain.

    A child outside the domain is drawn again from the same Gaussian, at most
    ``max_redraws`` times; a child still outside then becomes a uniform point. Both
    events are counted in the result. When no loss is usable (all NaN, infinite,
    negative or zero) the whole set is uniform and a ``RuntimeWarning`` is issued.

    Parameters
    ----------
    points : array_like, shape (n, dim)
        Current collocation points, the candidate parents.
    losses : array_like, shape (n,)
        Per-point loss of each current point.
    ratio : float
        Share of children in the new set, in [0, 1].
    sigma : float or array_like of shape (dim,)
        Variance of the Gaussian around a parent: the covariance is
        ``sigma * I`` (or ``diag(sigma)`` for a vector), so each coordinate's
        standard deviation is ``sqrt(sigma)``. Dymchenko and Raffin use
        ``sigma = 0.001`` on Allen-Cahn (standard deviation about 0.032).
    domain : Domain
        Domain that every emitted point lies in.
    rng : numpy.random.Generator
        Source of randomness.
    loss_power, subtract_min
        Parent weighting, see :func:`parent_probabilities`.
    max_redraws : int, default 10
        Redraws of an out-of-domain child before it becomes a uniform point, >= 0.

    Returns
    -------
    BreedResult
    """
    points = _check_points(points, domain)
    losses = _check_per_point("losses", losses, len(points))
    ratio = check_real("ratio", ratio, 0.0, 1.0)
    variance = check_positive_vector("sigma", sigma, size=None)
    if variance.ndim == 1 and variance.size != domain.dim:
        raise ValueError(
            f"sigma must be a scalar or have {domain.dim} entries (one per coordinate), "
            f"got {variance.size}"
        )
    max_redraws = check_integer("max_redraws", max_redraws, minimum=0)

    n = len(points)
    probabilities, num_invalid = parent_probabilities(
        losses, loss_power=loss_power, subtract_min=subtract_min
    )
    if probabilities is None:
        warnings.warn(
            f"no usable loss among {n} points ({num_invalid} NaN, infinite or negative, "
            "the rest zero); drawing all points uniformly",
            RuntimeWarning,
            stacklevel=2,
        )
        return BreedResult(domain.sample(n, rng), 0, 0, 0, num_invalid)

    count = num_children(n, ratio)
    parent_counts = rng.multinomial(count, probabilities)
    parents = np.repeat(points.astype(np.float64), parent_counts, axis=0)
    children, num_redraws, num_fallbacks = _draw_children(
        parents, np.sqrt(variance), domain, rng, max_redraws
    )

    uniform = domain.sample(n - count, rng)
    new_points = np.concatenate([children, uniform], axis=0)
    return BreedResult(new_points, count, num_redraws, num_fallbacks, num_invalid)


def _draw_children(parents, std, domain, rng, max_redraws):
    """Draw one Gaussian child per parent row, inside the domain."""
    children = (parents + std * rng.standard_normal(parents.shape)).astype(domain.dtype)
    outside = np.flatnonzero(~domain.contains(children))
    num_redraws = 0

    for _ in range(max_redraws):
        if outside.size == 0:
            break
        num_redraws += outside.size
        centres = parents[outside]
        children[outside] = (centres + std * rng.standard_normal(centres.shape)).astype(domain.dtype)
        outside = outside[~domain.contains(children[outside])]

    num_fallbacks = int(outside.size)
    if num_fallbacks:
        children[outside] = domain.sample(num_fallbacks, rng)
    return children, num_redraws, num_fallbacks


def r3_points(points, fitness, domain, rng):
    """Draw a new R3 collocation set (Daw et al., ICML 2023).

    Points whose fitness exceeds the mean fitness are retained; all others are
    replaced by uniform points, so the set keeps its size. NaN, infinite and
    negative fitness values are left out of the mean and never retained. When no
    fitness is usable, or all are zero, the whole set is uniform and a
    ``RuntimeWarning`` is issued.

    Parameters
    ----------
    points : array_like, shape (n, dim)
        Current collocation points.
    fitness : array_like, shape (n,)
        Fitness of each point. Daw et al. use the absolute PDE residual ``|r|``
        (for a system, the Euclidean norm over the outputs).
    domain : Domain
        Domain of the uniform points.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    R3Result
    """
    points = _check_points(points, domain)
    fitness = _check_per_point("fitness", fitness, len(points))

    n = len(points)
    valid = np.isfinite(fitness) & (fitness >= 0)
    num_invalid = int(np.count_nonzero(~valid))
    if not np.any(valid) or not np.any(fitness[valid] > 0):
        warnings.warn(
            f"no usable fitness among {n} points ({num_invalid} NaN, infinite or negative, "
            "the rest zero); drawing all points uniformly",
            RuntimeWarning,
            stacklevel=2,
        )
        return R3Result(domain.sample(n, rng), 0, num_invalid)

    retained = np.zeros(n, dtype=bool)
    retained[valid] = fitness[valid] > fitness[valid].mean()
    kept = points[retained].astype(domain.dtype)
    uniform = domain.sample(n - len(kept), rng)
    return R3Result(np.concatenate([kept, uniform], axis=0), len(kept), num_invalid)


@dataclasses.dataclass
class RADResult:
    """New collocation set from :func:`rad_points`.

    Attributes
    ----------
    points : numpy.ndarray
        Shape ``(num_points, dim)``, drawn from the candidates without replacement.
    num_invalid_fitness : int
        Candidates whose fitness was NaN, infinite or negative; they get only the
        constant part ``c`` of the density.
    """

    points: np.ndarray
    num_invalid_fitness: int


def rad_points(candidates, fitness, num_points, rng, *, k=1.0, c=1.0):
    """Draw a residual-based adaptive distribution (RAD) collocation set.

    Wu et al. ("A comprehensive study of non-adaptive and residual-based adaptive
    sampling for physics-informed neural networks", 2023) sample new points with
    density ``p(x) ∝ |r(x)| ** k / mean(|r| ** k) + c``. Here the density is
    evaluated on uniform ``candidates`` and ``num_points`` of them are drawn
    without replacement with probabilities proportional to it. NaN, infinite and
    negative fitness values count as zero residual.

    Parameters
    ----------
    candidates : array_like, shape (m, dim)
        Uniform candidate points, ``m >= num_points``.
    fitness : array_like, shape (m,)
        Absolute residual ``|r|`` at each candidate.
    num_points : int
        Size of the new set.
    rng : numpy.random.Generator
        Source of randomness.
    k : float, default 1.0
        Exponent of the residual, >= 0.
    c : float, default 1.0
        Constant added to the normalised residual, >= 0. With ``c > 0`` every
        candidate has a positive probability, so all ``num_points`` are drawn
        from the weighted distribution.

    Returns
    -------
    RADResult
    """
    candidates = np.asarray(candidates)
    fitness = _check_per_point("fitness", fitness, len(candidates))
    num_points = check_integer("num_points", num_points, minimum=0, maximum=len(candidates))
    k = check_real("k", k, 0.0)
    c = check_real("c", c, 0.0)

    valid = np.isfinite(fitness) & (fitness >= 0)
    powered = np.zeros(len(candidates))
    if np.any(valid):
        largest = fitness[valid].max()
        if largest > 0:
            powered[valid] = (fitness[valid] / largest) ** k
    mean = powered.mean()
    density = (powered / mean if mean > 0 else powered) + c
    if not density.sum() > 0:
        warnings.warn(
            "RAD density is zero everywhere (c = 0 and no usable residual); drawing candidates uniformly",
            RuntimeWarning,
            stacklevel=2,
        )
        density = np.ones(len(candidates))

    # A draw without replacement cannot take a candidate of zero density. The draw
    # is therefore limited to candidates of positive density, and the rest fill in last.
    positive = np.flatnonzero(density > 0)
    count = min(num_points, len(positive))
    chosen = rng.choice(positive, size=count, replace=False, p=density[positive] / density[positive].sum())
    if count < num_points:
        others = np.setdiff1d(np.arange(len(candidates)), chosen)
        chosen = np.concatenate([chosen, rng.choice(others, size=num_points - count, replace=False)])
    return RADResult(candidates[chosen], int(np.count_nonzero(~valid)))


def uniform_points(num_points, domain, rng):
    """Draw ``num_points`` fresh uniform points in the domain."""
    return domain.sample(num_points, rng)


def _check_points(points, domain):
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != domain.dim:
        raise ValueError(f"points must have shape (n, {domain.dim}), got {points.shape}")
    return points


def _check_per_point(name, values, size):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), one value per point, got {values.shape}")
    return values

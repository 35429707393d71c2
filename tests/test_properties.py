"""Property-based tests of the samplers on random domains and random losses.

Every sampler must return exactly ``N_s`` finite points inside the domain, whatever
the losses: zeros, NaN, infinities, negative values and a dynamic range from
1e-300 to 1e300 included. Breed must draw ``floor(N_s * r)`` children whenever
some loss is usable, and one seed must always give the same points.
"""

import math
import warnings

import deepxde as dde
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deepxde_breed.domain import Domain
from deepxde_breed.samplers import breed_points, num_children, parent_probabilities, r3_points, rad_points, uniform_points

SETTINGS = settings(max_examples=50, deadline=None)

coordinates = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False, allow_infinity=False)
extents = st.floats(min_value=1e-2, max_value=50.0, allow_nan=False, allow_infinity=False)
loss_values = st.one_of(
    st.sampled_from([0.0, math.nan, math.inf, -math.inf, -1.0, 1e-300, 1e300, 5e-324]),
    st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e-300, max_value=1e-200, allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=True, allow_infinity=True),
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
dtypes = st.sampled_from([np.float32, np.float64])


@st.composite
def boxes(draw):
    """An Interval, Rectangle or Cuboid with random corners."""
    dim = draw(st.integers(min_value=1, max_value=3))
    lower = np.array([draw(coordinates) for _ in range(dim)])
    upper = lower + np.array([draw(extents) for _ in range(dim)])
    if dim == 1:
        return dde.geometry.Interval(lower[0], upper[0])
    if dim == 2:
        return dde.geometry.Rectangle(lower, upper)
    return dde.geometry.Cuboid(lower, upper)


@st.composite
def disks(draw):
    """A Disk with a random centre and radius."""
    return dde.geometry.Disk([draw(coordinates), draw(coordinates)], draw(extents))


geometries = st.one_of(boxes(), disks())


@st.composite
def problems(draw):
    """A domain, current points inside it and one loss per point."""
    geometry = draw(geometries)
    domain = Domain(geometry, dtype=draw(dtypes))
    size = draw(st.integers(min_value=1, max_value=60))
    points = domain.sample(size, np.random.default_rng(draw(seeds)))
    losses = np.array(draw(st.lists(loss_values, min_size=size, max_size=size)))
    return geometry, domain, points, losses


def assert_valid_points(points, geometry, domain, size):
    assert points.shape == (size, domain.dim)
    assert points.dtype == domain.dtype
    assert np.all(np.isfinite(points))
    lower, upper = (np.asarray(corner, dtype=np.float64) for corner in geometry.bbox)
    assert np.all(points >= lower)
    assert np.all(points <= upper)
    assert np.all(geometry.inside(points))


def run_quietly(function, *args, **kwargs):
    """Call ``function`` and return its result and the RuntimeWarning messages it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(item.message) for item in caught if issubclass(item.category, RuntimeWarning)]


@SETTINGS
@given(
    problem=problems(),
    data=st.data(),
    sigma=st.floats(min_value=1e-8, max_value=10.0),
    seed=seeds,
)
def test_breed_points_valid_for_any_losses(problem, data, sigma, seed):
    geometry, domain, points, losses = problem
    size = len(points)
    # Ratios k / N_s, for which round-off such as 49 * (1 / 49) < 1 must cost no child.
    exact_count = data.draw(st.one_of(st.none(), st.integers(min_value=0, max_value=size)))
    ratio = data.draw(st.floats(min_value=0.0, max_value=1.0)) if exact_count is None else exact_count / size
    result, messages = run_quietly(
        breed_points, points, losses, ratio, sigma, domain, np.random.default_rng(seed), max_redraws=3
    )
    assert_valid_points(result.points, geometry, domain, size)

    probabilities, num_invalid = parent_probabilities(losses)
    assert result.num_invalid_losses == num_invalid
    if probabilities is None:
        assert result.num_children == 0
        assert any("no usable loss" in message for message in messages)
    else:
        assert result.num_children == num_children(size, ratio)
        assert result.num_children == math.floor(size * ratio) or exact_count is not None
        if exact_count is not None:
            assert result.num_children == exact_count
        assert not messages

    again, _ = run_quietly(
        breed_points, points, losses, ratio, sigma, domain, np.random.default_rng(seed), max_redraws=3
    )
    assert np.array_equal(result.points, again.points)


@SETTINGS
@given(problem=problems(), seed=seeds)
def test_r3_points_valid_for_any_fitness(problem, seed):
    geometry, domain, points, fitness = problem
    size = len(points)
    result, _ = run_quietly(r3_points, points, fitness, domain, np.random.default_rng(seed))
    assert_valid_points(result.points, geometry, domain, size)
    # The retained points are the current points above the mean, in their order.
    mask = _retained_mask(fitness)
    assert result.num_retained == np.count_nonzero(mask)
    assert np.array_equal(result.points[: result.num_retained], points[mask])

    again, _ = run_quietly(r3_points, points, fitness, domain, np.random.default_rng(seed))
    assert np.array_equal(result.points, again.points)


def _retained_mask(fitness):
    """Points whose finite, non-negative fitness exceeds the mean of such values."""
    valid = np.isfinite(fitness) & (fitness >= 0)
    mask = np.zeros(len(fitness), dtype=bool)
    if np.any(valid) and np.any(fitness[valid] > 0):
        mask[valid] = fitness[valid] > fitness[valid].mean()
    return mask


@SETTINGS
@given(
    problem=problems(),
    extra=st.integers(min_value=0, max_value=40),
    k=st.floats(min_value=0.0, max_value=4.0),
    c=st.sampled_from([0.0, 0.5, 1.0]),
    seed=seeds,
)
def test_rad_points_valid_for_any_fitness(problem, extra, k, c, seed):
    geometry, domain, points, losses = problem
    size = len(points)
    rng = np.random.default_rng(seed)
    candidates = domain.sample(size + extra, rng)
    fitness = np.resize(losses, len(candidates))

    result, _ = run_quietly(rad_points, candidates, fitness, size, np.random.default_rng(seed), k=k, c=c)
    assert_valid_points(result.points, geometry, domain, size)
    # Drawn without replacement: no row is chosen more often than it occurs among
    # the candidates (float32 candidates in a narrow box can coincide).
    available = _row_counts(candidates)
    for row, count in _row_counts(result.points).items():
        assert count <= available.get(row, 0)

    again, _ = run_quietly(rad_points, candidates, fitness, size, np.random.default_rng(seed), k=k, c=c)
    assert np.array_equal(result.points, again.points)


def _row_counts(array):
    rows, counts = np.unique(array, axis=0, return_counts=True)
    return {tuple(row): int(count) for row, count in zip(rows, counts)}


@SETTINGS
@given(geometry=geometries, dtype=dtypes, size=st.integers(min_value=0, max_value=200), seed=seeds)
def test_uniform_points_valid(geometry, dtype, size, seed):
    domain = Domain(geometry, dtype=dtype)
    points = uniform_points(size, domain, np.random.default_rng(seed))
    assert_valid_points(points, geometry, domain, size)
    assert np.array_equal(points, uniform_points(size, domain, np.random.default_rng(seed)))


@SETTINGS
@given(size=st.integers(min_value=0, max_value=10**6), ratio=st.floats(min_value=0.0, max_value=1.0))
def test_num_children_is_floor_of_product(size, ratio):
    count = num_children(size, ratio)
    assert 0 <= count <= size
    # floor(size * ratio) up to the 9-decimal rounding that absorbs round-off.
    assert count in (math.floor(size * ratio), math.floor(size * ratio) + 1)
    if count == math.floor(size * ratio) + 1:
        assert count - size * ratio < 1e-9


@SETTINGS
@given(data=st.data(), size=st.integers(min_value=1, max_value=10**6))
def test_num_children_exact_for_fractions_of_size(data, size):
    # size * (k / size) can fall one ulp below k, as 49 * (1 / 49) does.
    count = data.draw(st.integers(min_value=0, max_value=size))
    assert num_children(size, count / size) == count

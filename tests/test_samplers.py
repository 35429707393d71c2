import warnings

import numpy as np
import pytest

from deepxde_breed.domain import Domain
from deepxde_breed.samplers import (
    breed_points,
    num_children,
    parent_probabilities,
    r3_points,
    rad_points,
    uniform_points,
)
from geometries import is_inside, make_geometries

GEOMETRIES = make_geometries()
SQUARE = Domain(GEOMETRIES["rectangle"])


def square_points(n, seed=0):
    return SQUARE.sample(n, np.random.default_rng(seed))


# Breed: children count and composition


@pytest.mark.parametrize(("n", "ratio", "expected"), [(1000, 0.15, 150), (1000, 0.7, 700), (100, 0.29, 29), (999, 0.5, 499), (10, 0.0, 0), (10, 1.0, 10), (7, 0.99, 6)])
def test_num_children_floor(n, ratio, expected):
    # Expected values are floor(n * ratio) computed by hand in exact arithmetic.
    assert num_children(n, ratio) == expected


def test_breed_children_count_and_rest_uniform():
    points = square_points(1000)
    losses = np.zeros(1000)
    losses[0] = 1.0
    result = breed_points(points, losses, 0.7, 1e-4, SQUARE, np.random.default_rng(0))

    assert result.points.shape == (1000, 2)
    assert result.num_children == 700
    # All 700 children come from the one parent with a nonzero loss: with a
    # standard deviation of 0.01 they stay within 0.06 (6 sigma) of it.
    distance = np.linalg.norm(result.points[:700] - points[0], axis=1)
    assert np.all(distance < 0.06)
    # The other 300 are uniform on [0, 2] x [0, 1]: few lie that close to the parent.
    rest = np.linalg.norm(result.points[700:] - points[0], axis=1)
    assert np.mean(rest < 0.06) < 0.05
    assert np.all(is_inside(GEOMETRIES["rectangle"], result.points))


def test_breed_children_concentrate_around_high_loss_parents():
    rng = np.random.default_rng(3)
    points = square_points(2000, seed=3)
    # High loss in the left fifth of the square, small loss elsewhere.
    left = points[:, 0] < 0.4
    losses = np.where(left, 100.0, 1.0)
    result = breed_points(points, losses, 0.5, 1e-4, SQUARE, rng)

    children = result.points[: result.num_children]
    # Parent probability mass in the left part: 100 * n_left / (100 * n_left + n_right),
    # about 0.96 for n_left = 400 of 2000; children stay within ~0.04 of parents.
    expected_share = 100 * left.sum() / (100 * left.sum() + (~left).sum())
    share = np.mean(children[:, 0] < 0.44)
    assert share == pytest.approx(expected_share, abs=0.03)
    # Uniform points fill the square: about 22 % of them lie at x < 0.44.
    uniform = result.points[result.num_children :]
    assert np.mean(uniform[:, 0] < 0.44) == pytest.approx(0.22, abs=0.05)


def test_breed_parent_counts_follow_losses():
    # Three parents with losses 1 : 2 : 7; 10,000 children with a tiny variance
    # land next to their parent, so the counts estimate the multinomial.
    points = np.array([[0.2, 0.2], [1.0, 0.5], [1.8, 0.8]])
    losses = np.array([1.0, 2.0, 7.0])
    parents = np.repeat(points, [3334, 3333, 3333], axis=0)
    parent_losses = np.repeat(losses, [3334, 3333, 3333])
    result = breed_points(parents, parent_losses, 1.0, 1e-8, SQUARE, np.random.default_rng(5))
    nearest = np.argmin(np.linalg.norm(result.points[:, None, :] - points[None], axis=2), axis=1)
    shares = np.bincount(nearest, minlength=3) / len(nearest)
    # Each class has roughly 3333 parents, so shares are proportional to 1 : 2 : 7.
    # The binomial standard error at n = 10,000 is below 0.005, so 0.02 is a 4-sigma bound.
    assert shares == pytest.approx([0.1, 0.2, 0.7], abs=0.02)


def test_breed_sigma_is_variance():
    # sigma is the variance: children of one parent have standard deviation sqrt(sigma).
    points = np.tile([[1.0, 0.5]], (5000, 1))
    result = breed_points(points, np.ones(5000), 1.0, 0.0025, SQUARE, np.random.default_rng(11))
    std = result.points.std(axis=0)
    assert std == pytest.approx([0.05, 0.05], rel=0.05)


def test_breed_per_coordinate_sigma():
    domain = Domain(GEOMETRIES["interval_x_time"])
    points = np.tile([[0.0, 0.9]], (5000, 1))
    result = breed_points(points, np.ones(5000), 1.0, [0.01, 0.0001], domain, np.random.default_rng(12))
    std = result.points.std(axis=0)
    assert std == pytest.approx([0.1, 0.01], rel=0.05)


@pytest.mark.parametrize("name", sorted(GEOMETRIES))
def test_breed_points_inside_every_geometry(name):
    geometry = GEOMETRIES[name]
    domain = Domain(geometry, dtype=np.float32)
    rng = np.random.default_rng(4)
    points = domain.sample(500, rng)
    # Parents near the boundary with a wide Gaussian: many children fall outside.
    losses = rng.exponential(size=500)
    result = breed_points(points, losses, 0.9, 0.05, domain, rng, max_redraws=2)
    assert result.points.shape == (500, geometry.dim)
    assert np.all(is_inside(geometry, result.points))
    assert result.num_redraws > 0


def test_breed_fallback_counted_when_redraws_exhausted():
    # A parent on the edge of the interval [-1, 1] x [0.25, 1.5] and no redraws:
    # about half its children fall outside and become uniform points.
    domain = Domain(GEOMETRIES["interval_x_time"])
    points = np.tile([[1.0, 1.0]], (1000, 1))
    result = breed_points(points, np.ones(1000), 1.0, 0.01, domain, np.random.default_rng(0), max_redraws=0)
    assert result.num_redraws == 0
    assert 400 < result.num_fallbacks < 600
    assert np.all(domain.contains(result.points))


def test_breed_redraw_counts_outside_draws():
    domain = Domain(GEOMETRIES["interval_x_time"])
    points = np.tile([[1.0, 1.0]], (1000, 1))
    result = breed_points(points, np.ones(1000), 1.0, 0.01, domain, np.random.default_rng(0), max_redraws=30)
    # Each draw falls outside with probability 1/2, so about 1000 redraws in all
    # (a geometric series) and, after 30 redraws, no fallback.
    assert 850 < result.num_redraws < 1150
    assert result.num_fallbacks == 0


def test_breed_same_seed_same_points():
    points = square_points(300)
    losses = np.random.default_rng(1).random(300)
    first = breed_points(points, losses, 0.5, 1e-3, SQUARE, np.random.default_rng(9))
    second = breed_points(points, losses, 0.5, 1e-3, SQUARE, np.random.default_rng(9))
    third = breed_points(points, losses, 0.5, 1e-3, SQUARE, np.random.default_rng(10))
    assert np.array_equal(first.points, second.points)
    assert not np.array_equal(first.points, third.points)


def test_breed_set_size_constant_over_1000_resamples():
    rng = np.random.default_rng(0)
    points = square_points(200)
    for _ in range(1000):
        losses = rng.exponential(size=len(points))
        points = breed_points(points, losses, 0.7, 1e-3, SQUARE, rng).points
        assert points.shape == (200, 2)
    assert np.all(SQUARE.contains(points))


# Breed: invalid and degenerate losses


def test_breed_nan_and_inf_losses_never_parents():
    points = square_points(100)
    losses = np.full(100, np.nan)
    losses[:50] = np.inf
    losses[-1] = 1.0
    result = breed_points(points, losses, 0.5, 1e-8, SQUARE, np.random.default_rng(0))
    assert result.num_invalid_losses == 99
    assert np.all(np.isfinite(result.points))
    # The only usable parent is the last point: every child sits on it.
    assert np.allclose(result.points[:50], points[-1], atol=1e-3)


@pytest.mark.parametrize(
    "losses",
    [np.zeros(100), np.full(100, np.nan), np.full(100, np.inf), np.concatenate([np.zeros(50), np.full(50, np.nan)])],
    ids=["zero", "nan", "inf", "zero_and_nan"],
)
def test_breed_unusable_losses_fall_back_to_uniform(losses):
    points = square_points(100)
    with pytest.warns(RuntimeWarning, match="no usable loss among 100 points"):
        result = breed_points(points, losses, 0.5, 1e-3, SQUARE, np.random.default_rng(0))
    assert result.num_children == 0
    assert result.points.shape == (100, 2)
    assert np.all(np.isfinite(result.points))
    assert np.all(SQUARE.contains(result.points))


def test_parent_probabilities_huge_range():
    losses = np.array([1e-300, 1e300, 1.0, 0.0, 1e-30], dtype=np.float64)
    probabilities, num_invalid = parent_probabilities(losses, loss_power=2.0)
    assert probabilities.dtype == np.float64
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert probabilities[1] == pytest.approx(1.0)
    assert num_invalid == 0


def test_parent_probabilities_power_and_subtract_min():
    losses = np.array([1.0, 4.0, 9.0])
    # loss_power 0.5 gives |r| = 1, 2, 3; subtracting the minimum gives 0, 1, 2.
    probabilities, _ = parent_probabilities(losses, loss_power=0.5, subtract_min=True)
    assert probabilities == pytest.approx([0.0, 1 / 3, 2 / 3])
    probabilities, _ = parent_probabilities(losses)
    assert probabilities == pytest.approx([1 / 14, 4 / 14, 9 / 14])


def test_parent_probabilities_negative_loss_invalid():
    probabilities, num_invalid = parent_probabilities(np.array([-1.0, 1.0, 3.0]))
    assert num_invalid == 1
    assert probabilities == pytest.approx([0.0, 0.25, 0.75])


# Breed: argument checks


@pytest.mark.parametrize(
    ("keywords", "error", "match"),
    [
        ({"ratio": 1.2}, ValueError, r"ratio must be in \[0.0, 1.0\], got 1.2"),
        ({"ratio": -0.1}, ValueError, r"ratio must be in \[0.0, 1.0\], got -0.1"),
        ({"sigma": 0.0}, ValueError, r"sigma must be > 0.0, got 0.0"),
        ({"sigma": -1e-3}, ValueError, r"sigma must be > 0.0, got -0.001"),
        ({"sigma": [1e-3, 1e-3, 1e-3]}, ValueError, r"sigma must be a scalar or have 2 entries"),
        ({"sigma": [1e-3, -1.0]}, ValueError, r"sigma must contain only finite values > 0"),
        ({"sigma": "wide"}, TypeError, r"sigma must be a positive number or a sequence of them, got 'wide'"),
        ({"max_redraws": -1}, ValueError, r"max_redraws must be >= 0, got -1"),
        ({"loss_power": 0}, ValueError, r"loss_power must be > 0.0, got 0.0"),
        ({"losses": np.ones(5)}, ValueError, r"losses must have shape \(10,\), one value per point, got \(5,\)"),
    ],
)
def test_breed_invalid_arguments(keywords, error, match):
    arguments = {"points": square_points(10), "losses": np.ones(10), "ratio": 0.5, "sigma": 1e-3}
    arguments.update(keywords)
    with pytest.raises(error, match=match):
        breed_points(domain=SQUARE, rng=np.random.default_rng(0), **arguments)


# R3


def test_r3_keeps_exactly_points_above_mean():
    points = square_points(10)
    fitness = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    # A generator seeded apart from the one that drew the points, or the new
    # uniform points would repeat the old ones.
    result = r3_points(points, fitness, SQUARE, np.random.default_rng(100))
    # The mean is 4.5: points 5..9 are retained, in order, and 0..4 replaced.
    assert result.num_retained == 5
    assert np.array_equal(result.points[:5], points[5:])
    assert result.points.shape == (10, 2)
    replaced = result.points[5:]
    assert not np.any(np.all(np.isclose(replaced[:, None, :], points[None, :5]), axis=2))
    assert np.all(SQUARE.contains(result.points))


def test_r3_point_equal_to_mean_is_replaced():
    points = square_points(3)
    result = r3_points(points, np.array([1.0, 2.0, 3.0]), SQUARE, np.random.default_rng(0))
    assert result.num_retained == 1
    assert np.array_equal(result.points[0], points[2])


def test_r3_non_finite_fitness_never_retained():
    points = square_points(6)
    fitness = np.array([np.nan, np.inf, 1.0, 1.0, 5.0, -np.inf])
    result = r3_points(points, fitness, SQUARE, np.random.default_rng(0))
    # The mean of the finite values 1, 1, 5 is 7/3: only point 4 is retained.
    assert result.num_invalid_fitness == 3
    assert result.num_retained == 1
    assert np.array_equal(result.points[0], points[4])
    assert np.all(np.isfinite(result.points))


@pytest.mark.parametrize("fitness", [np.zeros(20), np.full(20, np.nan)], ids=["zero", "nan"])
def test_r3_unusable_fitness_falls_back_to_uniform(fitness):
    with pytest.warns(RuntimeWarning, match="no usable fitness among 20 points"):
        result = r3_points(square_points(20), fitness, SQUARE, np.random.default_rng(0))
    assert result.num_retained == 0
    assert result.points.shape == (20, 2)


def test_r3_set_size_constant_over_1000_resamples():
    rng = np.random.default_rng(0)
    points = square_points(100)
    for _ in range(1000):
        points = r3_points(points, rng.exponential(size=100), SQUARE, rng).points
        assert points.shape == (100, 2)


# Uniform


def test_uniform_points_fresh_each_call():
    rng = np.random.default_rng(0)
    first = uniform_points(50, SQUARE, rng)
    second = uniform_points(50, SQUARE, rng)
    assert first.shape == second.shape == (50, 2)
    assert not np.array_equal(first, second)


def test_samplers_emit_no_warning_on_normal_losses():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        breed_points(square_points(50), np.ones(50), 0.5, 1e-3, SQUARE, np.random.default_rng(0))
        r3_points(square_points(50), np.arange(50.0), SQUARE, np.random.default_rng(0))


# RAD


def test_rad_density_follows_residual():
    # Two halves of the square: |r| = 3 on the left, 0 on the right; with k = 1 and
    # c = 1 the density is 3 / 1.5 + 1 = 3 on the left and 1 on the right, so a
    # draw of 1000 from 20,000 candidates puts about 3/4 of the points on the left.
    candidates = square_points(20000, seed=21)
    fitness = np.where(candidates[:, 0] < 1.0, 3.0, 0.0)
    result = rad_points(candidates, fitness, 1000, np.random.default_rng(0))
    share = np.mean(result.points[:, 0] < 1.0)
    # The binomial standard error is about 0.014, so 0.05 is a 3.5-sigma bound.
    assert share == pytest.approx(0.75, abs=0.05)


def test_rad_draws_without_replacement():
    candidates = square_points(100)
    result = rad_points(candidates, np.arange(100.0), 100, np.random.default_rng(0))
    assert len(np.unique(result.points, axis=0)) == 100


def test_rad_zero_constant_skips_zero_density_until_needed():
    candidates = square_points(10)
    fitness = np.zeros(10)
    fitness[:3] = 1.0
    result = rad_points(candidates, fitness, 3, np.random.default_rng(0), c=0.0)
    assert {tuple(point) for point in result.points} == {tuple(point) for point in candidates[:3]}
    result = rad_points(candidates, fitness, 5, np.random.default_rng(0), c=0.0)
    assert len(np.unique(result.points, axis=0)) == 5


def test_rad_non_finite_fitness_counted():
    fitness = np.array([np.nan, np.inf, 1.0, 2.0])
    result = rad_points(square_points(4), fitness, 2, np.random.default_rng(0))
    assert result.num_invalid_fitness == 2
    assert np.all(np.isfinite(result.points))


@pytest.mark.parametrize(
    ("keywords", "error", "match"),
    [
        ({"num_points": 11}, ValueError, r"num_points must be in \[0, 10\], got 11"),
        ({"k": -1.0}, ValueError, r"k must be >= 0.0, got -1.0"),
        ({"c": -0.5}, ValueError, r"c must be >= 0.0, got -0.5"),
    ],
)
def test_rad_invalid_arguments(keywords, error, match):
    arguments = {"num_points": 5}
    arguments.update(keywords)
    with pytest.raises(error, match=match):
        rad_points(square_points(10), np.ones(10), rng=np.random.default_rng(0), **arguments)

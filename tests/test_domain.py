import deepxde as dde
import numpy as np
import pytest

from deepxde_breed.domain import Domain
from geometries import is_inside, make_geometries

GEOMETRIES = make_geometries()


@pytest.mark.parametrize("name", sorted(GEOMETRIES))
def test_domain_sample_inside_every_geometry(name):
    geometry = GEOMETRIES[name]
    domain = Domain(geometry, dtype=np.float32)
    points = domain.sample(5000, np.random.default_rng(0))
    assert points.shape == (5000, geometry.dim)
    assert points.dtype == np.float32
    assert np.all(is_inside(geometry, points))


@pytest.mark.parametrize("name", sorted(GEOMETRIES))
def test_domain_contains_matches_deepxde(name):
    geometry = GEOMETRIES[name]
    domain = Domain(geometry)
    candidates = np.random.default_rng(1).uniform(domain.lower - 0.5, domain.upper + 0.5, (2000, domain.dim))
    mask = domain.contains(candidates)
    assert np.array_equal(mask, is_inside(geometry, candidates))
    assert 0 < mask.sum() < len(mask)


def test_domain_time_interval_bounds():
    domain = Domain(GEOMETRIES["interval_x_time"])
    assert domain.time_interval == (0.25, 1.5)
    points = np.array([[0.0, 0.25], [0.0, 1.5], [0.0, 0.2499], [0.0, 1.5001]])
    assert domain.contains(points).tolist() == [True, True, False, False]


def test_domain_contains_rejects_non_finite_rows():
    domain = Domain(GEOMETRIES["disk"])
    points = np.array([[0.5, -0.5], [np.nan, 0.0], [np.inf, -0.5]])
    assert domain.contains(points).tolist() == [True, False, False]


def test_domain_sample_is_uniform_in_rectangle():
    # The mean of 20,000 uniform points on [0, 2] x [0, 1] is (1, 0.5). The
    # standard error per coordinate is below 0.005, so 0.02 is a 4-sigma bound.
    points = Domain(GEOMETRIES["rectangle"]).sample(20000, np.random.default_rng(2))
    assert np.allclose(points.mean(axis=0), [1.0, 0.5], atol=0.02)


def test_domain_sample_same_seed_same_points():
    domain = Domain(GEOMETRIES["polygon"])
    first = domain.sample(100, np.random.default_rng(7))
    second = domain.sample(100, np.random.default_rng(7))
    third = domain.sample(100, np.random.default_rng(8))
    assert np.array_equal(first, second)
    assert not np.array_equal(first, third)


def test_domain_sample_zero_points():
    points = Domain(GEOMETRIES["disk"]).sample(0, np.random.default_rng(0))
    assert points.shape == (0, 2)


def test_domain_sample_fails_clearly_on_tiny_geometry():
    sliver = dde.geometry.Rectangle([0, 0], [1, 1]) - dde.geometry.Rectangle([0, 0], [1, 0.9999999])
    domain = Domain(sliver, max_rounds=3)
    with pytest.raises(RuntimeError, match="uniform sampling failed"):
        domain.sample(10, np.random.default_rng(0))


def test_domain_points_shape_checked():
    domain = Domain(GEOMETRIES["rectangle"])
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\), got \(3, 3\)"):
        domain.contains(np.zeros((3, 3)))

"""Uniform sampling and membership tests on DeepXDE geometries with an explicit RNG.

DeepXDE's own ``random_points`` draws from NumPy's global random state and, for the
Hammersley and Sobol distributions, returns the same points on every call. The
samplers of this package need fresh, reproducible draws from a
``numpy.random.Generator``, so they sample by rejection in the bounding box of the
geometry and keep the points for which ``geometry.inside`` holds.
"""

import numpy as np

from ._validation import check_integer


class Domain:
    """Collocation domain built from a DeepXDE geometry.

    For a ``GeometryXTime`` the last coordinate is time: a point is inside when its
    spatial part is inside the spatial geometry and ``t0 <= t <= t1``. Points are
    checked after conversion to ``dtype``, so rounding to float32 cannot move an
    emitted point out of the domain.

    Parameters
    ----------
    geometry : deepxde.geometry.Geometry
        Any DeepXDE geometry with ``bbox``, ``dim`` and a vectorised ``inside``
        (Interval, Rectangle, Disk, Polygon, CSG results, ...), or a
        ``GeometryXTime`` built on one.
    dtype : numpy dtype, default float64
        Floating-point type of the points returned.
    max_rounds : int, default 100
        Rejection rounds before ``sample`` gives up. Each round draws enough
        candidates for the remaining points at the acceptance rate seen so far.
    """

    def __init__(self, geometry, dtype=np.float64, max_rounds=100):
        self.geometry = geometry
        self.dtype = np.dtype(dtype)
        self.max_rounds = check_integer("max_rounds", max_rounds, minimum=1)

        timedomain = getattr(geometry, "timedomain", None)
        spatial = getattr(geometry, "geometry", None)
        if timedomain is not None and spatial is not None:
            self.spatial_geometry = spatial
            self.time_interval = (float(timedomain.t0), float(timedomain.t1))
        else:
            self.spatial_geometry = geometry
            self.time_interval = None

        lower, upper = self.spatial_geometry.bbox
        self.spatial_lower = np.asarray(lower, dtype=np.float64).reshape(-1)
        self.spatial_upper = np.asarray(upper, dtype=np.float64).reshape(-1)
        self.dim = self.spatial_lower.size + (self.time_interval is not None)

    @property
    def lower(self):
        """Lower corner of the bounding box, time included."""
        if self.time_interval is None:
            return self.spatial_lower.copy()
        return np.append(self.spatial_lower, self.time_interval[0])

    @property
    def upper(self):
        """Upper corner of the bounding box, time included."""
        if self.time_interval is None:
            return self.spatial_upper.copy()
        return np.append(self.spatial_upper, self.time_interval[1])

    def contains(self, points):
        """Return a boolean mask: which rows of ``points`` lie in the domain."""
        points = np.asarray(points)
        if points.ndim != 2 or points.shape[1] != self.dim:
            raise ValueError(f"points must have shape (n, {self.dim}), got {points.shape}")
        if len(points) == 0:
            return np.zeros(0, dtype=bool)

        finite = np.all(np.isfinite(points), axis=1)
        if self.time_interval is None:
            spatial, inside = points, np.ones(len(points), dtype=bool)
        else:
            t0, t1 = self.time_interval
            time = points[:, -1]
            spatial = points[:, :-1]
            inside = (time >= t0) & (time <= t1)

        # Non-finite rows never reach the geometry: some inside() tests fail on NaN.
        candidates = finite & inside
        result = np.zeros(len(points), dtype=bool)
        if np.any(candidates):
            result[candidates] = np.asarray(self.spatial_geometry.inside(spatial[candidates]), dtype=bool)
        return result

    def sample(self, n, rng):
        """Draw ``n`` independent points uniformly distributed in the domain.

        Parameters
        ----------
        n : int
            Number of points, >= 0.
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        numpy.ndarray
            Shape ``(n, dim)``, dtype ``self.dtype``.

        Raises
        ------
        RuntimeError
            If ``max_rounds`` rejection rounds do not yield ``n`` points, which
            happens only when the geometry fills a tiny part of its bounding box.
        """
        n = check_integer("n", n, minimum=0)
        accepted = []
        remaining = n
        acceptance = 1.0
        lower, upper = self.lower, self.upper

        for _ in range(self.max_rounds):
            if remaining == 0:
                break
            batch = int(np.ceil(1.2 * remaining / acceptance)) + 16
            candidates = rng.uniform(lower, upper, size=(batch, self.dim)).astype(self.dtype)
            mask = self.contains(candidates)
            found = candidates[mask]
            accepted.append(found[:remaining])
            remaining -= len(accepted[-1])
            acceptance = max(mask.mean(), 1e-3)

        if remaining > 0:
            raise RuntimeError(
                f"uniform sampling failed: {n - remaining} of {n} points found inside the "
                f"geometry after {self.max_rounds} rejection rounds; the geometry fills "
                "too small a part of its bounding box for rejection sampling"
            )
        if not accepted:
            return np.empty((0, self.dim), dtype=self.dtype)
        return np.concatenate(accepted, axis=0)

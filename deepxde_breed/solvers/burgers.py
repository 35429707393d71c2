"""Reference solution of the viscous Burgers equation by the Cole-Hopf transformation.

The problem is the benchmark of Raissi, Perdikaris and Karniadakis, "Physics-informed
neural networks: A deep learning framework for solving forward and inverse problems
involving nonlinear partial differential equations" (J. Comput. Phys. 378, 2019):

    u_t + u u_x - nu u_xx = 0,  x in [-1, 1],  t >= 0,  nu = 0.01 / pi,
    u(-1, t) = u(1, t) = 0,  u(x, 0) = -sin(pi x).

A steep front forms at x = 0 from about t = 1 / pi, the shock time of the inviscid
equation, and its slope |u_x| peaks at 152 near t = 0.51. The Cole-Hopf
transformation turns the equation into the heat equation, so u is a ratio of two
convolutions with the heat kernel, which this module evaluates by quadrature.
"""

import math

import numpy as np

from .allen_cahn import _as_finite_vector, _as_grid_size, _as_points, _as_positive_number

__all__ = ["solve_burgers"]

# Number of evaluation points handled at once. It bounds each temporary
# (points, num_nodes) array to 4096 rows, 17 MB for 512 nodes.
_EVALUATION_CHUNK = 4096

# The quadrature drops the tails where the integrand is below exp(-40), about 4e-18,
# times its maximum, so the truncation error stays below double precision.
_TAIL_EXPONENT = 40.0


def solve_burgers(x, t, *, viscosity=0.01 / np.pi, num_nodes=512):
    """Evaluate the Cole-Hopf solution of the Burgers benchmark at the points (x, t).

    The equation is u_t + u u_x - viscosity * u_xx = 0 on x in [-1, 1] with
    u(-1, t) = u(1, t) = 0 and u(x, 0) = -sin(pi x). Its solution is

        u(x, t) = -I[sin(pi (x - eta)) f(x - eta)] / I[f(x - eta)],
        I[g] = integral of g(eta) exp(-eta^2 / (4 viscosity t)) d eta,
        f(y) = exp(-cos(pi y) / (2 pi viscosity)).

    With eta = sqrt(4 viscosity t) z both integrals have the weight exp(-z^2), and
    the solver applies the trapezoidal rule on ``num_nodes`` evenly spaced z in
    [-Z, Z], Z = sqrt(1 / (pi viscosity) + 40). The integrands are smooth and
    decay like a Gaussian, so the rule converges exponentially in ``num_nodes``.
    Z is where the weight has fallen by exp(-40) below the smallest possible
    maximum of the integrand, because f varies by the factor exp(1 / (pi viscosity)).

    That factor is exp(100) for the default viscosity. The solver therefore works
    with the exponent -z^2 - cos(pi y) / (2 pi viscosity) and subtracts its maximum
    over the nodes at each point before taking the exponential, which avoids
    overflow and keeps the ratio accurate.

    Parameters
    ----------
    x : array_like, shape (n_x,)
        Evaluation points in [-1, 1].
    t : array_like, shape (n_t,)
        Evaluation times, finite and >= 0, in any order.
    viscosity : float, default 0.01 / pi
        Viscosity nu, a positive number.
    num_nodes : int, default 512
        Number of quadrature nodes, an integer >= 16. At the default viscosity the
        default is accurate to 1e-12 or better for t <= 10. Later times and smaller
        viscosities need more nodes, see Notes.

    Returns
    -------
    numpy.ndarray, shape (n_t, n_x)
        ``u[i, j]`` is the solution at ``x[j]`` and ``t[i]``. Rows with ``t[i] == 0``
        contain the initial condition -sin(pi x).

    Raises
    ------
    ValueError
        If an argument is outside its allowed range.

    Notes
    -----
    The integrand narrows as t grows, because the exponent's second derivative in z
    is at most 2 + 2 pi t in magnitude, so late times need more nodes. For the
    default viscosity, on 201 evenly spaced x and t = 0, 0.1, ..., 1, the relative
    L2 distance to a 2048-node result is 4.3e-3 for 32 nodes, 2.6e-5 for 48,
    2.2e-8 for 64, 2.9e-12 for 80 and at rounding level (3e-16) from 96 nodes on.
    At t = 10, 256 nodes give 2.9e-3 and 512 nodes 2e-13. For viscosity
    0.001 / pi, 256 nodes reach rounding level at t = 0.5 and 1. On the grid of
    the data set ``burgers_shock.mat`` published with Raissi et al. (2019), 256 x
    values and t = 0, 0.01, ..., 0.99, the defaults reproduce that data set to a
    relative L2 error of 2.9e-12.

    References
    ----------
    .. [1] E. Hopf, "The partial differential equation u_t + u u_x = mu u_xx",
       Comm. Pure Appl. Math. 3 (1950).
    .. [2] L. N. Trefethen and J. A. C. Weideman, "The exponentially convergent
       trapezoidal rule", SIAM Review 56 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> u = solve_burgers([-1.0, -0.5, 0.0, 0.5, 1.0], [0.0, 0.5])
    >>> u.shape
    (2, 5)
    >>> bool(np.allclose(u[1], -u[1, ::-1]))
    True
    """
    x = _as_points(x, "x", lower=-1.0, upper=1.0)
    t = _as_finite_vector(t, "t")
    if t.min() < 0.0:
        raise ValueError(f"t must be >= 0, got a minimum of {float(t.min())!r}")
    viscosity = _as_positive_number(viscosity, "viscosity")
    num_nodes = _as_grid_size(num_nodes, "num_nodes", even=False)

    exponent_scale = 1.0 / (2.0 * np.pi * viscosity)
    half_width = math.sqrt(2.0 * exponent_scale + _TAIL_EXPONENT)
    z = np.linspace(-half_width, half_width, num_nodes)

    values = np.empty((t.size, x.size))
    for i, time in enumerate(t):
        if time == 0.0:
            values[i] = -np.sin(np.pi * x)
            continue
        shift = math.sqrt(4.0 * viscosity * time) * z
        for start in range(0, x.size, _EVALUATION_CHUNK):
            chunk = slice(start, start + _EVALUATION_CHUNK)
            values[i, chunk] = _heat_kernel_ratio(x[chunk], shift, z, exponent_scale)
    return values


def _heat_kernel_ratio(x, shift, z, exponent_scale):
    """Return -sum(sin(pi y) w) / sum(w), y = x - shift, log w = -z^2 - c cos(pi y).

    ``c`` is ``exponent_scale``. The trapezoidal rule halves the weights of the two
    end nodes, but their terms are below exp(-40) times the largest one, so equal
    weights give the same ratio to double precision.
    """
    y = x[:, None] - shift[None, :]
    exponent = -(z**2)[None, :] - exponent_scale * np.cos(np.pi * y)
    exponent -= exponent.max(axis=1, keepdims=True)
    weights = np.exp(exponent)
    return -np.sum(np.sin(np.pi * y) * weights, axis=1) / np.sum(weights, axis=1)

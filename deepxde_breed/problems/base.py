"""Common interface of the ready-made PINN problems."""

import deepxde as dde
import numpy as np

from .._validation import check_integer
from ..solvers import relative_l2_error


class PINNProblem:
    """PDE problem ready to train with DeepXDE and to score against a reference.

    A subclass sets the class attributes below and implements ``pde``,
    ``build_net`` and ``compute_reference``. It overrides ``conditions`` and
    ``compile`` where its source used soft conditions or other optimizer
    settings.

    Attributes
    ----------
    name : str
        Name in the problem registry and on the command line.
    description : str
        One-line description.
    axis_labels : tuple of str
        Names of the two input coordinates, in input order, such as ("x", "t").
    default_num_points : int
        Default number of PDE collocation points ``N_s``.
    default_iterations : int
        Adam iterations of the problem's reference setting.
    breed_settings : dict
        Keyword arguments of :class:`~deepxde_breed.BreedResampler`.
    """

    name = None
    description = None
    axis_labels = ("x", "t")
    default_num_points = 1000
    default_iterations = 10000
    breed_settings = {"sigma": 0.001, "ratio_start": 0.15, "ratio_end": 0.7, "ratio_steps": 5000}

    def __init__(self, num_points=None):
        if num_points is None:
            num_points = self.default_num_points
        self.num_points = check_integer("num_points", num_points, minimum=1)
        self.geometry = self.build_geometry()

    def build_geometry(self):
        """Build the DeepXDE geometry of the problem."""
        raise NotImplementedError

    def pde(self, inputs, outputs):
        """Return the PDE residual at ``inputs``."""
        raise NotImplementedError

    def conditions(self):
        """Return the list of DeepXDE conditions with losses (empty for hard constraints)."""
        return []

    def build_data(self):
        """Build the DeepXDE data object with ``num_points`` PDE points."""
        options = {"num_domain": self.num_points, "num_boundary": 0, "train_distribution": "pseudo"}
        if isinstance(self.geometry, dde.geometry.GeometryXTime):
            return dde.data.TimePDE(self.geometry, self.pde, self.conditions(), num_initial=0, **options)
        return dde.data.PDE(self.geometry, self.pde, self.conditions(), **options)

    def build_net(self):
        """Build the network, with its input features and output transform."""
        raise NotImplementedError

    def compile(self, model):
        """Compile ``model`` with the problem's optimizer settings."""
        model.compile("adam", lr=1e-3)

    def build_model(self):
        """Build and compile a ``dde.Model``."""
        model = dde.Model(self.build_data(), self.build_net())
        self.compile(model)
        return model

    def compute_reference(self):
        """Compute the reference grid ``(first, second, u)``, ``u[i, j] = u(first[j], second[i])``."""
        raise NotImplementedError

    def reference(self):
        """Return the reference grid, computed once per process and problem setting."""
        return _cached_reference(self)

    def reference_key(self):
        """Return a hashable key of the settings that change the reference solution."""
        return (type(self),)

    def predict_grid(self, model):
        """Return the network prediction on the reference grid, shaped like ``u``."""
        first, second, u = self.reference()
        grid_first, grid_second = np.meshgrid(first, second)
        inputs = np.stack([grid_first.ravel(), grid_second.ravel()], axis=1).astype(dde.config.real(np))
        return model.predict(inputs).reshape(u.shape)

    def relative_l2_error(self, model):
        """Return the relative L2 error of ``model`` on the reference grid."""
        return relative_l2_error(self.predict_grid(model), self.reference()[2])


_REFERENCES = {}


def _cached_reference(problem):
    key = problem.reference_key()
    if key not in _REFERENCES:
        first, second, u = problem.compute_reference()
        for array in (first, second, u):
            array.setflags(write=False)
        _REFERENCES[key] = (first, second, u)
    return _REFERENCES[key]

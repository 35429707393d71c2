"""Per-point PDE losses for the resampling callbacks.

Two sources give the residual at the current collocation points:

* **Captured** (PyTorch backend): ``data.pde`` is wrapped so that the residual
  tensor computed inside the training step is kept as a detached copy. It is the
  residual at the network parameters before the optimizer update and costs no
  extra forward pass. Only calls made while the network is in training mode with
  parameters that require gradients are kept, which excludes DeepXDE's
  ``Model._test`` and ``Model.predict``.
* **Predicted** (fallback): ``model.predict(points, operator=pde)``, one extra
  forward and backward pass at the current parameters. It is used with other
  backends, and whenever no captured residual matches the current training set
  (for example right after another callback changed the points).
"""

import numpy as np
from deepxde import backend, utils


class ResidualCapture:
    """Wrapper around a DeepXDE PDE function that keeps the last training residual.

    Parameters
    ----------
    pde : callable
        The ``pde(inputs, outputs)`` or ``pde(inputs, outputs, auxiliary_variables)``
        function of a DeepXDE ``PDE`` data object.
    net : torch.nn.Module
        The network being trained.
    """

    def __init__(self, pde, net):
        self.pde = pde
        self.net = net
        self.captured = None
        self.wrapped = self._wrap(pde)

    def _wrap(self, pde):
        # DeepXDE dispatches on the number of arguments, so the wrapper keeps it.
        if utils.get_num_args(pde) == 3:

            def wrapped(inputs, outputs, auxiliary_variables):
                result = pde(inputs, outputs, auxiliary_variables)
                self._keep(result)
                return result

        else:

            def wrapped(inputs, outputs):
                result = pde(inputs, outputs)
                self._keep(result)
                return result

        return wrapped

    def _keep(self, result):
        torch = backend.torch
        if not (self.net.training and torch.is_grad_enabled()):
            return
        parameter = next(self.net.parameters(), None)
        if parameter is None or not parameter.requires_grad:
            return
        components = result if isinstance(result, (list, tuple)) else [result]
        self.captured = [component.detach() for component in components]

    def take(self, num_inputs, num_rows):
        """Return the captured per-point loss of the last ``num_rows`` rows, or None.

        The capture must have ``num_inputs`` rows in all (the boundary and initial
        points come first in DeepXDE's training set). The capture is cleared, so a
        residual is used at most once. ``None`` means that no training step ran
        since the last call, or that it ran on a set of another size.
        """
        captured, self.captured = self.captured, None
        if captured is None:
            return None
        arrays = [np.asarray(component.cpu().numpy(), dtype=np.float64) for component in captured]
        if any(array.shape[0] != num_inputs for array in arrays):
            return None
        return pointwise_loss([array[-num_rows:] for array in arrays])


def pointwise_loss(residuals):
    """Return ``sum_k r_k(x_j) ** 2`` over the residual components, per point.

    ``residuals`` is one array or a list of arrays (a PDE system), each of shape
    ``(n,)`` or ``(n, m)``. The result has shape ``(n,)`` and dtype float64.
    """
    if not isinstance(residuals, (list, tuple)):
        residuals = [residuals]
    total = None
    for residual in residuals:
        residual = np.asarray(residual, dtype=np.float64)
        squared = residual.reshape(len(residual), -1) ** 2
        term = squared.sum(axis=1)
        total = term if total is None else total + term
    return total


def predicted_loss(model, pde, points):
    """Return the per-point loss at ``points`` from ``model.predict(operator=pde)``."""
    residuals = model.predict(points, operator=pde)
    return pointwise_loss(residuals)

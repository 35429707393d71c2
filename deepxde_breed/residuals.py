"""Per-point PDE losses for the resampling callbacks.

Two sources give the residual at the current collocation points:

* **Captured** (every optimizer but L-BFGS): ``data.pde`` is wrapped so that the
  residual tensor computed inside the training step is kept as a detached copy.
  It costs no extra forward pass. With Adam and the other first-order optimizers
  it is the residual at the network parameters before the optimizer update. With
  DeepXDE's NNCG and its Armijo line search, the last loss evaluation of a step,
  and so the capture, is at the accepted step. Only calls made while the network
  is in training mode with parameters that require gradients are kept, which
  excludes DeepXDE's ``Model._test`` and ``Model.predict``.
* **Predicted** (fallback): the PDE evaluated at the points with the current
  parameters, one extra forward and backward pass. It is used under L-BFGS, and
  whenever no captured residual matches the current training set (for example
  right after another callback changed the points).
"""

import numpy as np
from deepxde import backend, config, gradients, utils


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
    """Return the per-point loss at ``points`` with the current network parameters.

    A PDE with auxiliary variables (three arguments) is evaluated here with the
    auxiliary variables of ``points``, because DeepXDE 1.15's ``Model.predict``
    raises ``NotImplementedError`` for such an operator on the PyTorch backend.
    Any other PDE goes through ``model.predict(points, operator=pde)``.
    """
    if utils.get_num_args(pde) == 3 and backend.backend_name == "pytorch":
        return pointwise_loss(_residual_with_auxiliary_variables(model, pde, points))
    return pointwise_loss(model.predict(points, operator=pde))


def _residual_with_auxiliary_variables(model, pde, points):
    """Evaluate ``pde(inputs, outputs, auxiliary_variables)`` at ``points`` with PyTorch."""
    torch = backend.torch
    data = model.data
    if getattr(data, "auxiliary_var_fn", None) is None:
        raise ValueError(
            "the PDE takes auxiliary variables (three arguments), but the data object has no "
            "auxiliary_var_function to compute them at new points"
        )
    real = config.real(np)
    points = np.asarray(points, dtype=real)
    auxiliary = torch.as_tensor(np.asarray(data.auxiliary_var_fn(points), dtype=real))

    net = model.net
    saved_auxiliary = net.auxiliary_vars
    net.eval()
    try:
        net.auxiliary_vars = auxiliary
        inputs = torch.as_tensor(points).requires_grad_()
        outputs = net(inputs)
        residual = pde(inputs, outputs, auxiliary)
    finally:
        net.auxiliary_vars = saved_auxiliary
        # DeepXDE caches Jacobians and Hessians per input tensor, and these inputs are not reused.
        gradients.clear()
    return utils.to_numpy(residual)

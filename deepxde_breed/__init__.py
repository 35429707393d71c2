"""Adaptive collocation sampling for physics-informed neural networks in DeepXDE.

Importing the package selects DeepXDE's PyTorch backend unless ``DDE_BACKEND`` is
already set, because the callbacks read the residual from PyTorch training steps.
"""

import os

os.environ.setdefault("DDE_BACKEND", "pytorch")

from .callbacks import BreedResampler, R3Resampler, RADResampler, UniformResampler  # noqa: E402
from .checkpoints import ResamplerCheckpoint, restore_checkpoint, save_checkpoint  # noqa: E402
from .domain import Domain  # noqa: E402
from .samplers import breed_points, r3_points, rad_points, uniform_points  # noqa: E402
from .schedules import linear_schedule  # noqa: E402
from .simulation import SimulatorData  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "BreedResampler",
    "R3Resampler",
    "RADResampler",
    "UniformResampler",
    "ResamplerCheckpoint",
    "save_checkpoint",
    "restore_checkpoint",
    "Domain",
    "breed_points",
    "r3_points",
    "rad_points",
    "uniform_points",
    "linear_schedule",
    "SimulatorData",
]

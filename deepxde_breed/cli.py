"""Command line: ``python -m deepxde_breed train PROBLEM --sampler NAME ...``."""

import argparse
import logging
import sys

from .problems import AllenCahn
from .problems.allen_cahn import VARIANTS
from .training import SAMPLERS, train_problem

PROBLEMS = {"allen-cahn": AllenCahn}


def build_parser():
    """Build the argument parser of the ``deepxde_breed`` command."""
    parser = argparse.ArgumentParser(
        prog="python -m deepxde_breed",
        description="Train physics-informed neural networks with adaptive collocation sampling.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a ready-made problem with one sampler")
    train.add_argument("problem", choices=sorted(PROBLEMS), help="problem to train")
    train.add_argument(
        "--sampler", choices=SAMPLERS, default="breed",
        help="collocation sampler; 'fixed' keeps the initial points (default: breed)",
    )
    train.add_argument(
        "--variant", choices=VARIANTS, default="deepxde",
        help="Allen-Cahn setting: 'deepxde' (D = 0.001, hard constraints, 10,000 iterations "
        "by default) or 'paper' (D = 1e-4, periodic, the R3 and Breed papers' network and "
        "60,000 iterations by default) (default: deepxde)",
    )
    train.add_argument(
        "--iterations", type=int, default=None,
        help="Adam iterations (default: the variant's, 10,000 or 60,000)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed of the run (default: 0)")
    train.add_argument(
        "--output", default=None,
        help="folder for history.csv and summary.png (default: runs/PROBLEM-VARIANT-SAMPLER-seedS)",
    )
    train.add_argument(
        "--num-points", type=int, default=None,
        help="number of PDE collocation points N_s (default: the variant's, 2000 or 1000)",
    )
    train.add_argument(
        "--period", type=int, default=None,
        help="optimizer steps between resamples (default: 100 for breed and uniform, 1 for r3)",
    )
    train.add_argument(
        "--eval-every", type=int, default=None,
        help="steps between relative L2 error evaluations (default: iterations / 20)",
    )
    train.add_argument("--quiet", action="store_true", help="log warnings only, no progress")
    return parser


def main(argv=None):
    """Run the command line and return its exit status."""
    parser = build_parser()
    arguments = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.WARNING if arguments.quiet else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )

    try:
        problem = PROBLEMS[arguments.problem](variant=arguments.variant, num_points=arguments.num_points)
        iterations = problem.default_iterations if arguments.iterations is None else arguments.iterations
        output = arguments.output or (
            f"runs/{arguments.problem}-{arguments.variant}-{arguments.sampler}-seed{arguments.seed}"
        )
        result = train_problem(
            problem,
            arguments.sampler,
            iterations,
            seed=arguments.seed,
            output=output,
            period=arguments.period,
            eval_every=arguments.eval_every,
        )
    except (TypeError, ValueError) as error:
        parser.error(str(error))

    print(f"history: {output}/history.csv, figure: {output}/summary.png")
    print(f"relative L2 error: {result['relative_l2_error']:.6g}")
    return 0

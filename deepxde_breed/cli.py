"""Command line: ``python -m deepxde_breed list`` and ``python -m deepxde_breed train PROBLEM``."""

import argparse
import logging
import sys

from .problems import PROBLEMS, get_problem, list_problems
from .training import SAMPLERS, train_problem


def build_parser():
    """Build the argument parser of the ``deepxde_breed`` command."""
    parser = argparse.ArgumentParser(
        prog="python -m deepxde_breed",
        description="Train physics-informed neural networks with adaptive collocation sampling.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the ready-made problems with one-line descriptions")

    train = commands.add_parser("train", help="train a ready-made problem with one sampler")
    train.add_argument("problem", choices=sorted(PROBLEMS), help="problem to train")
    train.add_argument(
        "--sampler", choices=SAMPLERS, default="breed",
        help="collocation sampler; 'fixed' keeps the initial points (default: breed)",
    )
    train.add_argument(
        "--variant", default=None,
        help="setting of a problem that has several; allen-cahn: 'deepxde' (D = 0.001, hard "
        "constraints, 10,000 iterations by default) or 'paper' (D = 1e-4, periodic, the R3 and "
        "Breed papers' network and 60,000 iterations by default) (default: the problem's first)",
    )
    train.add_argument(
        "--iterations", type=int, default=None,
        help="optimizer iterations, or sampling rounds for a surrogate problem "
        "(default: the problem's own)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed of the run (default: 0)")
    train.add_argument(
        "--output", default=None,
        help="folder for history.csv and summary.png (default: runs/PROBLEM[-VARIANT]-SAMPLER-seedS)",
    )
    train.add_argument(
        "--num-points", type=int, default=None,
        help="number of collocation points or training samples N_s (default: the problem's own)",
    )
    train.add_argument(
        "--period", type=int, default=None,
        help="optimizer steps between resamples (default: on PINN problems 100 for breed, rad "
        "and uniform and 1 for r3; on ipgd the optimizer steps of one sampling round, 100)",
    )
    train.add_argument(
        "--eval-every", type=int, default=None,
        help="iterations (rounds on ipgd) between error evaluations (default: iterations / 20 "
        "on PINN problems, 1 round on ipgd)",
    )
    train.add_argument("--quiet", action="store_true", help="log warnings only, no progress")
    return parser


def main(argv=None):
    """Run the command line and return its exit status."""
    parser = build_parser()
    arguments = parser.parse_args(argv)

    if arguments.command == "list":
        for name, description in list_problems():
            print(f"{name:20s} {description}")
        return 0

    logging.basicConfig(
        level=logging.WARNING if arguments.quiet else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )

    options = {"num_points": arguments.num_points}
    if arguments.variant is not None:
        options["variant"] = arguments.variant
    label = arguments.problem if arguments.variant is None else f"{arguments.problem}-{arguments.variant}"
    output = arguments.output or f"runs/{label}-{arguments.sampler}-seed{arguments.seed}"

    variants = getattr(PROBLEMS[arguments.problem], "variants", ())
    if arguments.variant is not None and arguments.variant not in variants:
        allowed = ", ".join(repr(variant) for variant in variants) or "none"
        parser.error(f"variant of {arguments.problem} must be one of: {allowed}; got {arguments.variant!r}")
    try:
        problem = get_problem(arguments.problem, **options)
    except ValueError as error:
        parser.error(str(error))

    iterations = problem.default_iterations if arguments.iterations is None else arguments.iterations
    settings = {"seed": arguments.seed, "output": output, "period": arguments.period, "eval_every": arguments.eval_every}
    try:
        if hasattr(problem, "train"):
            result = problem.train(arguments.sampler, iterations, **settings)
        else:
            result = train_problem(problem, arguments.sampler, iterations, **settings)
    except (TypeError, ValueError) as error:
        parser.error(str(error))

    print(f"results: {output}")
    for name, value in result["metrics"].items():
        print(f"{name}: {value:.6g}")
    return 0

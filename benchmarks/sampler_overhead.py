"""Measure how much the resampling callbacks slow down training at period=1.

The script trains the same Allen-Cahn model with fixed PDE points and with each
callback resampling at every iteration: same seed, same iterations, one torch
thread unless --threads sets another number. Runs are interleaved (fixed, breed, r3,
uniform, fixed, ...) so that a change in machine load affects all samplers alike.
Only ``model.train`` is timed, not building and compiling the model. An untimed
warm-up round of 10 iterations per sampler runs first, so one-time setup costs do
not fall on the first timed run.

For each sampler it prints the ratio of its median time per iteration to that of
the fixed points, for example ``breed/fixed time ratio: 1.02``.

Usage: python benchmarks/sampler_overhead.py [--iterations 300] [--repeats 3]
       [--variant paper|deepxde] [--threads 1] [--seed 0]
"""

import argparse
import contextlib
import io
import logging
import os
import statistics
import time

os.environ.setdefault("DDE_BACKEND", "pytorch")

import deepxde as dde  # noqa: E402
import torch  # noqa: E402

from deepxde_breed import BreedResampler, R3Resampler, UniformResampler  # noqa: E402
from deepxde_breed.problems import AllenCahn  # noqa: E402

logger = logging.getLogger("sampler_overhead")

SAMPLERS = ("fixed", "breed", "r3", "uniform")
WARMUP_ITERATIONS = 10


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--iterations",
        type=positive_int,
        default=300,
        help="Adam iterations per timed run (default 300)",
    )
    parser.add_argument(
        "--repeats", type=positive_int, default=3, help="timed runs per sampler (default 3)"
    )
    parser.add_argument(
        "--variant",
        choices=("paper", "deepxde"),
        default="paper",
        help="Allen-Cahn setting: 'paper' (1000 PDE points, 4 x 128 network) or "
        "'deepxde' (2000 PDE points, 3 x 20 network) (default paper)",
    )
    parser.add_argument(
        "--threads", type=positive_int, default=1, help="torch intra-op threads (default 1)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed set before building each model (default 0)"
    )
    return parser.parse_args(argv)


def make_callbacks(sampler, problem):
    if sampler == "fixed":
        return []
    if sampler == "breed":
        return [BreedResampler(**problem.breed_settings, period=1)]
    if sampler == "r3":
        return [R3Resampler(period=1)]
    return [UniformResampler(period=1)]


def train_once(problem, sampler, iterations, seed):
    """Build a fresh model, train it and return (seconds in model.train, callbacks)."""
    dde.config.set_random_seed(seed)
    # DeepXDE prints compile messages to stdout, which carries only the results here.
    with contextlib.redirect_stdout(io.StringIO()):
        model = problem.build_model()
    callbacks = make_callbacks(sampler, problem)

    start = time.perf_counter()
    model.train(iterations=iterations, display_every=iterations, callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - start
    return seconds, callbacks


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    torch.set_num_threads(args.threads)
    problem = AllenCahn(args.variant)

    logger.info("Warm-up: %d iterations per sampler", WARMUP_ITERATIONS)
    for sampler in SAMPLERS:
        train_once(problem, sampler, WARMUP_ITERATIONS, args.seed)

    per_iteration = {sampler: [] for sampler in SAMPLERS}
    residual_sources = set()
    for repeat in range(args.repeats):
        for sampler in SAMPLERS:
            seconds, callbacks = train_once(problem, sampler, args.iterations, args.seed)
            per_iteration[sampler].append(seconds / args.iterations)
            for callback in callbacks:
                if callback.needs_losses:
                    residual_sources.add(callback.residual_source)
            logger.info(
                "Repeat %d/%d, %s: %.2f s, %.2f ms per iteration",
                repeat + 1,
                args.repeats,
                sampler,
                seconds,
                1000 * seconds / args.iterations,
            )

    if residual_sources != {"training step"}:
        logger.warning(
            "Breed or R3 computed residuals with an extra model.predict pass (sources: %s), "
            "so their ratios include that pass",
            ", ".join(sorted(map(str, residual_sources))),
        )

    medians = {sampler: statistics.median(times) for sampler, times in per_iteration.items()}
    print(
        f"Allen-Cahn, {args.variant} variant: iterations {args.iterations}, "
        f"repeats {args.repeats}, N_s {problem.num_points}, torch threads {args.threads}, "
        f"seed {args.seed}"
    )
    print(f"Residual source of Breed and R3: {', '.join(sorted(map(str, residual_sources)))}")
    for sampler in SAMPLERS:
        print(f"{sampler}: median {1000 * medians[sampler]:.2f} ms per iteration")
    for sampler in SAMPLERS[1:]:
        print(f"{sampler}/fixed time ratio: {medians[sampler] / medians['fixed']:.2f}")


if __name__ == "__main__":
    main()

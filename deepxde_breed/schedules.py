"""Ratio schedules for Breed: functions of the training iteration."""

from ._validation import check_integer, check_real


def linear_schedule(start, end, steps):
    """Build the Breed ratio schedule: linear from ``start`` to ``end``, then constant.

    The returned function maps a training iteration ``i >= 0`` to

    ``r(i) = start + (end - start) * min(i, steps) / steps``

    so ``r(0) = start`` and ``r(i) = end`` for every ``i >= steps``. With
    ``steps = 0`` the ratio is ``end`` from the first iteration on. Dymchenko and
    Raffin call the triple ``(start, end, steps)`` a *scenario*; it counts training
    iterations, not resampling events.

    Parameters
    ----------
    start : float
        Ratio at iteration 0, in [0, 1].
    end : float
        Ratio from iteration ``steps`` on, in [0, 1].
    steps : int
        Number of training iterations of the linear part, >= 0.

    Returns
    -------
    callable
        ``schedule(iteration) -> float``. It raises ``ValueError`` for a negative
        iteration.

    Examples
    --------
    >>> schedule = linear_schedule(0.15, 0.7, 5000)
    >>> schedule(0), round(schedule(2500), 12), schedule(10000)
    (0.15, 0.425, 0.7)
    """
    start = check_real("start", start, 0.0, 1.0)
    end = check_real("end", end, 0.0, 1.0)
    steps = check_integer("steps", steps, minimum=0)

    def schedule(iteration):
        iteration = check_integer("iteration", iteration, minimum=0)
        if iteration >= steps:
            return end
        return start + (end - start) * iteration / steps

    return schedule

import pytest

from deepxde_breed.schedules import linear_schedule


def test_linear_schedule_hand_computed_values():
    # Hand-computed from r(i) = 0.15 + (0.7 - 0.15) * min(i, 5000) / 5000.
    schedule = linear_schedule(0.15, 0.7, 5000)
    expected = {0: 0.15, 1: 0.15011, 1000: 0.26, 2500: 0.425, 4999: 0.69989, 5000: 0.7, 60000: 0.7}
    for iteration, value in expected.items():
        assert schedule(iteration) == pytest.approx(value, abs=1e-12), iteration


def test_linear_schedule_decreasing():
    schedule = linear_schedule(0.9, 0.1, 4)
    assert [round(schedule(i), 12) for i in range(6)] == [0.9, 0.7, 0.5, 0.3, 0.1, 0.1]


def test_linear_schedule_zero_steps_is_constant_end():
    schedule = linear_schedule(0.15, 0.7, 0)
    assert schedule(0) == 0.7
    assert schedule(10) == 0.7


def test_linear_schedule_pits_scenario():
    # Pits benchmark scenario (0.15, 0.7, 25): halfway, at 12.5, r = 0.425.
    schedule = linear_schedule(0.15, 0.7, 25)
    assert schedule(5) == pytest.approx(0.15 + 0.55 * 5 / 25)
    assert schedule(25) == 0.7


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ((-0.1, 0.7, 10), ValueError, r"start must be in \[0.0, 1.0\], got -0.1"),
        ((0.1, 1.5, 10), ValueError, r"end must be in \[0.0, 1.0\], got 1.5"),
        ((0.1, 0.7, -1), ValueError, r"steps must be >= 0, got -1"),
        ((0.1, 0.7, 2.5), TypeError, r"steps must be an integer, got 2.5"),
        (("0.1", 0.7, 10), TypeError, r"start must be a real number, got '0.1'"),
        ((float("nan"), 0.7, 10), ValueError, r"start must be finite, got nan"),
    ],
)
def test_linear_schedule_invalid_arguments(arguments, error, match):
    with pytest.raises(error, match=match):
        linear_schedule(*arguments)


def test_linear_schedule_negative_iteration():
    schedule = linear_schedule(0.15, 0.7, 5000)
    with pytest.raises(ValueError, match=r"iteration must be >= 0, got -1"):
        schedule(-1)

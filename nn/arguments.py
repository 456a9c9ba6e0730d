"""Checking what layers are built with, so that a wrong argument fails at construction with
a message naming the layer, instead of as a numpy error (or a NaN) at the first call."""
import numbers

from autograd import ops


def check_size(layer, name, value, minimum=0):
    """Sizes given to a layer's constructor are integers >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{layer}: {name} must be an integer >= {minimum}, got {value!r}")


def check_number(layer, name, value, low=None, high=None, low_open=False):
    """A real number in [low, high] (or (low, high] with low_open); a string or None is a
    TypeError, a number out of range a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{layer}: {name} must be a number, got {value!r} "
                        f"({type(value).__name__})")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and value > high
    if too_low or too_high or value != value:   # value != value: NaN
        if low is not None and high is not None:
            bounds = f"in {'(' if low_open else '['}{low}, {high}]"
        else:
            bounds = f"> {low}" if low_open else f">= {low}" if low is not None else f"<= {high}"
        raise ValueError(f"{layer}: {name} must be {bounds}, got {value!r}")


def check_flag(layer, name, value):
    """A switch (bias, batch_first, ...) is True or False, not a truthy stand-in."""
    if not isinstance(value, bool):
        raise TypeError(f"{layer}: {name} must be True or False, got {value!r}")


def check_choice(layer, name, value, choices):
    """One of a few named options."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{layer}: {name} must be one of "
                         f"{', '.join(map(repr, choices))}, got {value!r}")


def check_pair(layer, name, value, minimum=0):
    """An int or a pair of ints (height, width), each >= minimum, as a pair: kernel sizes,
    strides, paddings. A TypeError for anything else, a ValueError when too small."""
    return ops.windows.pair(layer, name, value, minimum)


def size_label(size):
    """How a size reads in a graph label: 2 as "2", (3, 3) as "3×3"."""
    return "×".join(map(str, size)) if isinstance(size, (tuple, list)) else str(size)

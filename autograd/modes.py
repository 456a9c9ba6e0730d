"""Thread-local switches: whether operations record the graph, and anomaly detection."""
import functools
import threading


class _State(threading.local):
    grad_enabled = True
    anomaly = False


state = _State()


class _GradMode:
    """Context manager and decorator that sets grad recording for its block."""

    enabled = True

    def __enter__(self):
        self._previous = state.grad_enabled
        state.grad_enabled = self.enabled

    def __exit__(self, *exc):
        state.grad_enabled = self._previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Operations inside record no graph: outputs do not require grad."""
    enabled = False


class enable_grad(_GradMode):
    """Turns recording back on inside a `no_grad` block."""
    enabled = True


def is_grad_enabled():
    return state.grad_enabled


class detect_anomaly:
    """Inside, every node remembers where in the user's code it was created, and the first
    NaN or Inf produced by an operation, forward or backward, raises an error naming the
    operation and that source line. Slow; for debugging."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._previous = state.anomaly
        state.anomaly = self.check_nan

    def __exit__(self, *exc):
        state.anomaly = self._previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


def is_anomaly_enabled():
    return state.anomaly

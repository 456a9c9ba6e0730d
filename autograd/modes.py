"""Thread-local switches: whether operations record the graph, anomaly detection, and the
scope (module call) that new nodes belong to."""
import copy
import functools
import inspect
import threading


class _State(threading.local):
    grad_enabled = True
    anomaly = False
    scope = None      # the innermost `autograd.graph.scope` open in this thread
    record = None     # the gradients of this thread's latest backward pass (graph.py)


state = _State()


class _Switch:
    """Sets one field of the thread-local state inside a `with` block, or around every call of
    a function it decorates (each step of a generator function), and restores the previous
    value afterwards."""

    field = ""

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        self._previous = getattr(state, self.field)
        setattr(state, self.field, self.value)

    def __exit__(self, *exc):
        setattr(state, self.field, self._previous)

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with copy.copy(self):  # a copy per call: re-entrant and thread-safe
                return fn(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, fn):
        """A generator's body runs in pieces, between the caller's `next()` calls, so the
        switch is set around each piece rather than around the call that makes it."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            generator = fn(*args, **kwargs)
            resume, value = generator.send, None
            while True:
                try:
                    with copy.copy(self):
                        response = resume(value)
                except StopIteration as stop:
                    return stop.value
                try:
                    value = yield response
                    resume = generator.send
                except GeneratorExit:
                    with copy.copy(self):
                        generator.close()
                    raise
                except BaseException as error:  # thrown in by the caller: pass it on
                    resume, value = generator.throw, error
        return wrapper


class _GradSwitch(_Switch):
    """`with no_grad():`, `@no_grad()` and, as in PyTorch, `@no_grad` without parentheses."""
    field = "grad_enabled"
    enabled = True

    def __new__(cls, fn=None):
        switch = super().__new__(cls)
        switch.value = cls.enabled
        return switch(fn) if callable(fn) else switch

    def __init__(self, fn=None):
        pass


class no_grad(_GradSwitch):
    """Operations inside record no graph: outputs do not require grad."""
    enabled = False


class enable_grad(_GradSwitch):
    """Turns recording back on (inside a `no_grad` block, say)."""
    enabled = True


class detect_anomaly(_Switch):
    """Inside, every node remembers where in the user's code it was created, and the first
    NaN or Inf produced by an operation, forward or backward, raises an error naming the
    operation and that source line. Slow; for debugging."""
    field = "anomaly"

    def __init__(self, check_nan=True):
        super().__init__(check_nan)


def is_grad_enabled():
    return state.grad_enabled


def is_anomaly_enabled():
    return state.anomaly

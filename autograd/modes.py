"""Thread-local switches: whether operations record the graph, anomaly detection, and the
scope (module call) that new nodes belong to."""
import copy
import functools
import inspect
import threading


class Modes:
    """The switches of one thread, in a plain object: an operation reads several of them,
    and reading a thread-local's attribute costs several times a plain one."""
    __slots__ = ("grad_enabled", "anomaly", "scope", "record")

    def __init__(self):
        self.grad_enabled = True
        self.anomaly = False
        self.scope = None    # the innermost `autograd.graph.scope` open in this thread
        self.record = None   # the gradients of this thread's latest backward pass (graph.py)


class _PerThread(threading.local):
    def __init__(self):
        self.modes = Modes()


per_thread = _PerThread()   # per_thread.modes: this thread's Modes


def current():
    """This thread's `Modes`."""
    return per_thread.modes


class _Switch:
    """Sets one field of this thread's `Modes` inside a `with` block, or around every call of
    a function it decorates (each step of a generator function), and restores the previous
    value afterwards."""

    field = ""

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        modes = per_thread.modes
        self._previous = getattr(modes, self.field)
        setattr(modes, self.field, self.value)

    def __exit__(self, *exc):
        setattr(per_thread.modes, self.field, self._previous)

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
    return per_thread.modes.grad_enabled


def is_anomaly_enabled():
    return per_thread.modes.anomaly

"""The differentiable operations, by family. Each is an `Op` subclass with its forward and
backward side by side, plus the function users call."""

"""Gradient flow over a model: where does the gradient vanish?

- `gradient_norms(model)`: per layer, the norm of each parameter's gradient (text with
  `gradient_table`, a log-scale chart with `plot_gradient_norms`);
- `ActivationRecorder`: activation statistics and histograms per layer, recorded by forward
  hooks (one histogram per layer), and the share of dead ReLU units;
- `GradientMonitor`: all of it over a training run, every N steps, with makemore's
  grad:data and update:data ratios, as a heatmap and lines;
- `GradientThroughTime`: in a recurrent layer, ‖∂loss/∂h_t‖ and ‖∂loss/∂x_t‖ at every
  step, read by gradient hooks during backward (where the gradient fades through time);
everything copied to small host arrays as it is read, so no graph is kept alive and it can
run every N steps of a training loop.
"""
from . import norms, activations, monitor, through_time

_PARTS = (norms, activations, monitor, through_time)
for _part in _PARTS:
    globals().update({_name: getattr(_part, _name) for _name in _part.__all__})

__all__ = [_name for _part in _PARTS for _name in _part.__all__]

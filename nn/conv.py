"""`Conv2d`: the 2-D convolution layer on images (N, C, H, W)."""
import autograd as ag
from autograd import ops

from . import functional as F
from . import init as nn_init
from .arguments import check_size, check_pair, size_label
from .module import Module
from .parameter import Parameter


__all__ = ["Conv2d"]


class Conv2d(Module):
    """PyTorch's Conv2d: each of the out_channels outputs is a bias plus the cross-correlation
    of a kernel_size kernel with the input's channels of its group (groups=in_channels makes
    it depthwise). `weight` has shape (out_channels, in_channels/groups, kh, kw), `bias`
    (out_channels,); stride, padding (zeros) and dilation are ints or pairs (height, width),
    stored as pairs as in PyTorch, so a state_dict moves between the two unchanged.

    Initialised as PyTorch does: the weight by kaiming_uniform_ with a=sqrt(5), which is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels/groups * kh * kw, and the
    bias from that same range.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True):
        super().__init__()
        check_size("Conv2d", "in_channels", in_channels, minimum=1)
        check_size("Conv2d", "out_channels", out_channels, minimum=1)
        check_size("Conv2d", "groups", groups, minimum=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must both be divisible by groups ({groups})")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = check_pair("Conv2d", "kernel_size", kernel_size, minimum=1)
        self.stride = check_pair("Conv2d", "stride", stride, minimum=1)
        self.padding = check_pair("Conv2d", "padding", padding, minimum=0)
        self.dilation = check_pair("Conv2d", "dilation", dilation, minimum=1)
        self.groups = groups
        self.weight = Parameter(ag.zeros(out_channels, in_channels // groups, *self.kernel_size))
        if bias:
            self.bias = Parameter(ag.zeros(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        nn_init._default_layer_init_(self.weight, self.bias)

    def forward(self, x):
        x = ops.as_tensor(x, self.graph_label())
        ops.windows.check_images(self.graph_label(), x, channels=self.in_channels)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def graph_label(self):
        details = "".join(f", {name} {size_label(value)}" for name, value, default in (
            ("stride", self.stride, (1, 1)), ("groups", self.groups, 1)) if value != default)
        return (f"Conv2d({self.in_channels}→{self.out_channels}, "
                f"{size_label(self.kernel_size)}{details})")

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text

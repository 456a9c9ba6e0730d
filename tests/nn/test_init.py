"""nn.init: gains and fans exactly as PyTorch, the scales of each scheme, in-place filling
that keeps dtype and device, and seeding."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init
from tests.helpers import host

GAIN_CASES = [("linear", None), ("conv2d", None), ("conv_transpose3d", None),
              ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
              ("leaky_relu", 0.2), ("leaky_relu", 1), ("selu", None)]


def test_calculate_gain_closed_forms():
    assert init.calculate_gain("linear") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.3) == math.sqrt(2 / (1 + 0.09))
    assert init.calculate_gain("selu") == 0.75


@pytest.mark.parametrize("nonlinearity,param", GAIN_CASES)
def test_calculate_gain_matches_pytorch(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == \
        torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_rejects_unknown_names_and_bad_slopes():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "0.1")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (6, 2, 3, 3), (1, 1)])
def test_fans_match_pytorch(shape):
    torch = pytest.importorskip("torch")
    ours = init._calculate_fan_in_and_fan_out(ag.zeros(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    receptive = math.prod(shape[2:])
    assert ours == (shape[1] * receptive, shape[0] * receptive)


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ag.zeros(5))
    with pytest.raises(ValueError, match="mode 'fan_avg'"):
        init.kaiming_normal_(ag.zeros(3, 3), mode="fan_avg")


# shape (out, in) = (200, 300): fan_in 300, fan_out 200
SCHEMES = [
    ("xavier_uniform", lambda t: init.xavier_uniform_(t), "uniform", math.sqrt(6 / 500)),
    ("xavier_uniform_tanh", lambda t: init.xavier_uniform_(t, gain=5 / 3), "uniform",
     5 / 3 * math.sqrt(6 / 500)),
    ("xavier_normal", lambda t: init.xavier_normal_(t), "normal", math.sqrt(2 / 500)),
    ("kaiming_uniform", lambda t: init.kaiming_uniform_(t), "uniform", math.sqrt(6 / 300)),
    ("kaiming_normal", lambda t: init.kaiming_normal_(t), "normal", math.sqrt(2 / 300)),
    ("kaiming_normal_fan_out", lambda t: init.kaiming_normal_(t, mode="fan_out"), "normal",
     math.sqrt(2 / 200)),
    ("kaiming_uniform_leaky", lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)), "uniform",
     math.sqrt(3) * math.sqrt(1 / 3) / math.sqrt(300)),
    ("kaiming_normal_tanh", lambda t: init.kaiming_normal_(t, nonlinearity="tanh"),
     "normal", 5 / 3 / math.sqrt(300)),
    ("he_normal", lambda t: init.he_normal_(t), "normal", math.sqrt(2 / 300)),
    ("he_uniform", lambda t: init.he_uniform_(t), "uniform", math.sqrt(6 / 300)),
    ("normal", lambda t: init.normal_(t, 0.0, 0.01), "normal", 0.01),
    ("uniform", lambda t: init.uniform_(t, -0.3, 0.3), "uniform", 0.3),
]


@pytest.mark.parametrize("name,fill,kind,scale", SCHEMES, ids=[s[0] for s in SCHEMES])
def test_scheme_scales(name, fill, kind, scale):
    """Uniform schemes: values fill (-bound, bound); normal schemes: std as the formula."""
    t = ag.zeros(200, 300)
    assert fill(t) is t
    values = host(t)
    if kind == "uniform":
        assert values.min() >= -scale and values.max() <= scale
        assert values.min() < -0.98 * scale and values.max() > 0.98 * scale
        assert values.std() == pytest.approx(scale / math.sqrt(3), rel=0.02)
    else:
        assert values.std() == pytest.approx(scale, rel=0.02)
    assert abs(values.mean()) < 0.02 * scale


def test_he_is_sqrt2_times_xavier_when_fans_are_equal():
    """Xavier ~ 1/sqrt(n) for n_in = n_out, He = sqrt(2) times that."""
    xavier = host(init.xavier_normal_(ag.zeros(400, 400))).std()
    he = host(init.he_normal_(ag.zeros(400, 400))).std()
    assert xavier == pytest.approx(1 / math.sqrt(400), rel=0.02)
    assert he / xavier == pytest.approx(math.sqrt(2), rel=0.03)


@pytest.mark.parametrize("name,fill,kind,scale", SCHEMES, ids=[s[0] for s in SCHEMES])
def test_scheme_statistics_match_pytorch(name, fill, kind, scale):
    torch = pytest.importorskip("torch")
    torch_fill = {
        "xavier_uniform": torch.nn.init.xavier_uniform_,
        "xavier_uniform_tanh": lambda t: torch.nn.init.xavier_uniform_(t, gain=5 / 3),
        "xavier_normal": torch.nn.init.xavier_normal_,
        "kaiming_uniform": torch.nn.init.kaiming_uniform_,
        "kaiming_normal": torch.nn.init.kaiming_normal_,
        "kaiming_normal_fan_out": lambda t: torch.nn.init.kaiming_normal_(t, mode="fan_out"),
        "kaiming_uniform_leaky": lambda t: torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
        "kaiming_normal_tanh": lambda t: torch.nn.init.kaiming_normal_(t, nonlinearity="tanh"),
        "he_normal": torch.nn.init.kaiming_normal_,
        "he_uniform": torch.nn.init.kaiming_uniform_,
        "normal": lambda t: torch.nn.init.normal_(t, 0.0, 0.01),
        "uniform": lambda t: torch.nn.init.uniform_(t, -0.3, 0.3),
    }[name]
    torch.manual_seed(0)
    theirs = torch_fill(torch.zeros(200, 300)).numpy()
    ours = host(fill(ag.zeros(200, 300)))
    assert ours.std() == pytest.approx(theirs.std(), rel=0.03)
    if kind == "uniform":
        assert abs(ours).max() == pytest.approx(abs(theirs).max(), rel=0.01)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fills_in_place_keeping_dtype_and_device(dtype):
    t = ag.zeros(3, 4, dtype=dtype)
    array_before, device = t.data, t.device
    init.kaiming_uniform_(t)
    assert t.data is array_before and t.dtype == dtype and t.device == device
    assert init.constant_(t, 0.5) is t and (host(t) == 0.5).all()
    assert (host(init.ones_(t)) == 1).all() and (host(init.zeros_(t)) == 0).all()


def test_fills_record_no_graph_and_keep_parameters_leaves():
    p = nn.Parameter(ag.zeros(3, 2))
    init.normal_(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_seeding_makes_initialisation_reproducible():
    nn.manual_seed(123)
    first = host(init.normal_(ag.zeros(4, 5))).copy()
    nn.manual_seed(123)
    second = host(init.normal_(ag.zeros(4, 5)))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, host(init.normal_(ag.zeros(4, 5))))


def test_zero_element_tensors_are_left_alone():
    t = ag.zeros(0, 3)
    assert init.kaiming_uniform_(t) is t and init.xavier_normal_(t) is t


def test_init_rejects_non_tensors():
    with pytest.raises(TypeError, match="fill a Tensor in place"):
        init.zeros_(np.zeros(3))

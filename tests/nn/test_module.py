"""Module: registration, dotted names, modes, devices and dtypes, state_dict and files,
hooks, the record of which graph nodes a call made, containers, and whole-model behaviour
(symmetry of equal initial weights, XOR)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.fc2 = nn.Linear(3, 2)
        self.scale = nn.Parameter(ag.ones(2))
        self.register_buffer("calls", ag.zeros(()))
        self.note = ag.zeros(5)  # a plain tensor attribute: not registered

    def forward(self, x):
        self.calls.data += 1
        return self.fc2(self.fc1(x).relu()) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Block()
        self.head = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.BatchNorm1d(2))

    def forward(self, x):
        return self.head(self.encoder(x))


# --- registration and names ---------------------------------------------------------------
def test_parameters_buffers_and_children_register_by_assignment():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "encoder.scale", "encoder.fc1.weight", "encoder.fc1.bias", "encoder.fc2.weight",
        "encoder.fc2.bias", "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "encoder.calls", "head.2.running_mean", "head.2.running_var",
        "head.2.num_batches_tracked"]
    assert [n for n, _ in net.named_children()] == ["encoder", "head"]
    assert [n for n, _ in net.named_modules()] == [
        "", "encoder", "encoder.fc1", "encoder.fc2", "head", "head.0", "head.1", "head.2"]
    assert list(net.children()) == [net.encoder, net.head]
    assert len(list(net.modules())) == 8
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in net.parameters())
    assert [n for n, _ in net.encoder.named_parameters(recurse=False)] == ["scale"]


def test_dotted_names_match_pytorch_for_the_same_structure():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 4),
                                                                   nn.Linear(4, 1)))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Sequential(
        torch.nn.Linear(4, 4), torch.nn.Linear(4, 1)))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert repr(ours) == repr(theirs)


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_reassigning_and_deleting_attributes():
    block = Block()
    with pytest.raises(TypeError, match=r"cannot assign Tensor as parameter 'scale' of "
                                        r"Block: wrap it as nn.Parameter"):
        block.scale = ag.ones(2)
    block.scale = None
    assert "scale" not in dict(block.named_parameters())
    block.fc1 = nn.Identity()
    assert "fc1.weight" not in dict(block.named_parameters())
    del block.fc2
    assert [n for n, _ in block.named_children()] == ["fc1"]
    with pytest.raises(AttributeError, match="'Block' object has no attribute 'fc2'"):
        block.fc2
    block.note = 3  # plain attributes stay plain
    assert block.note == 3 and "note" not in dict(block.named_buffers())


def test_forgetting_super_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)
    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first in "
                                             r"Broken.__init__"):
        Broken()


def test_registration_rejects_wrong_kinds():
    m = nn.Module()
    with pytest.raises(TypeError, match=r"did you mean ReLU\(\)"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)
    with pytest.raises(TypeError, match="a buffer must be a Tensor"):
        m.register_buffer("stats", np.zeros(3))
    with pytest.raises(KeyError, match="without '.'"):
        m.register_parameter("a.b", None)
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        m(ag.ones(1))


# --- modes, gradients, devices, dtypes ----------------------------------------------------
def test_train_and_eval_reach_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.head.train(False)
    assert net.training and not net.head[1].training
    with pytest.raises(ValueError, match="mode must be True or False"):
        net.train("no")


def test_eval_changes_dropout_and_batchnorm_behaviour():
    net = Net()
    x = ag.randn(8, 4)
    net.eval()
    first, second = host(net(x)), host(net(x))
    np.testing.assert_array_equal(first, second)  # deterministic in eval
    net.train()
    assert not np.array_equal(host(net(x)), host(net(x)))  # dropout in training


def test_zero_grad_sets_gradients_to_none():
    net = Net()
    net(ag.randn(4, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_freezes_parameters():
    net = Net()
    net.encoder.requires_grad_(False)
    net(ag.randn(4, 4)).sum().backward()
    assert all(p.grad is None for p in net.encoder.parameters())
    assert all(p.grad is not None for p in net.head.parameters())


def test_to_moves_parameters_buffers_and_grads_in_place():
    net = Net()
    net(ag.randn(4, 4)).sum().backward()
    params = list(net.parameters())
    device = ag.zeros(1).device  # where new tensors land in this test run
    assert net.to("cpu") is net
    assert all(t.device == "cpu" for t in list(net.parameters()) + list(net.buffers()))
    assert all(p.grad.device == "cpu" for p in net.parameters())
    net.to(device)
    assert all(a is b for a, b in zip(net.parameters(), params))
    assert all(t.device == device for t in list(net.parameters()) + list(net.buffers()))
    net(ag.randn(4, 4))  # still usable on its device


def test_to_dtype_converts_floating_tensors_only():
    net = Net()
    weight = net.encoder.fc1.weight
    net.to(np.float64)
    assert net.encoder.fc1.weight is weight and weight.dtype == np.float64
    assert net.head[2].running_var.dtype == np.float64
    assert net.head[2].num_batches_tracked.dtype == np.int64
    assert net(ag.tensor(np.ones((3, 4)))).dtype == np.float64
    with pytest.raises(TypeError, match="floating dtype"):
        net.to(np.int32)


def test_apply_visits_every_module():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Linear", "Block", "Linear", "Dropout", "BatchNorm1d",
                    "Sequential", "Net"]


# --- state_dict, loading, files -----------------------------------------------------------
def test_state_dict_holds_detached_views_of_parameters_and_buffers():
    net = Net()
    state = net.state_dict()
    assert list(state) == ["encoder.scale", "encoder.calls", "encoder.fc1.weight",
                           "encoder.fc1.bias", "encoder.fc2.weight", "encoder.fc2.bias",
                           "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias",
                           "head.2.running_mean", "head.2.running_var",
                           "head.2.num_batches_tracked"]
    assert not any(t.requires_grad for t in state.values())
    assert state["encoder.fc1.weight"].data is net.encoder.fc1.weight.data


def test_load_state_dict_copies_values_into_the_same_parameters():
    source, target = Net(), Net()
    source(ag.randn(6, 4))  # changes the BatchNorm statistics and the call counter
    weight = target.encoder.fc1.weight
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.encoder.fc1.weight is weight
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        np.testing.assert_array_equal(host(a), host(b), err_msg=name)
    source.encoder.fc1.weight.data *= 2  # a copy, not shared memory
    assert not np.array_equal(host(source.encoder.fc1.weight), host(weight))


def test_load_state_dict_accepts_numpy_arrays_and_converts_dtype():
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": np.eye(2), "bias": np.array([1, 2])})
    assert layer.weight.dtype == np.float32 and layer.weight.device == ag.zeros(1).device
    np.testing.assert_array_equal(host(layer.weight), np.eye(2))
    np.testing.assert_array_equal(host(layer.bias), [1.0, 2.0])


def test_load_state_dict_names_missing_unexpected_and_mismatched_keys():
    net = Net()
    before = host(net.encoder.fc1.weight).copy()
    state = {k: v for k, v in Net().state_dict().items() if k != "head.2.running_var"}
    state["head.9.weight"] = ag.zeros(2)
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert "missing key(s): 'head.2.running_var'" in message
    assert "unexpected key(s): 'head.9.weight'" in message
    assert "strict=False" in message
    np.testing.assert_array_equal(host(net.encoder.fc1.weight), before)  # nothing copied
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["head.2.running_var"]
    assert result.unexpected_keys == ["head.9.weight"]
    state = Net().state_dict()
    state["encoder.fc1.weight"] = ag.zeros(4, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for encoder.fc1.weight: the "
                                           r"state_dict has shape \(4, 3\), the model has "
                                           r"shape \(3, 4\)"):
        net.load_state_dict(state, strict=False)


def test_save_and_load_round_trip(tmp_path):
    source, target = Net(), Net()
    source(ag.randn(6, 4))
    path = tmp_path / "model.weights"
    nn.save(source, path)
    assert path.exists()  # exactly the name given
    loaded = nn.load(path)
    assert list(loaded) == list(source.state_dict())
    assert loaded["head.2.num_batches_tracked"].dtype == np.int64
    target.load_state_dict(loaded)
    x = ag.randn(3, 4)
    source.eval()
    target.eval()
    np.testing.assert_array_equal(host(source(x)), host(target(x)))
    nn.save(source.state_dict(), tmp_path / "state.npz")
    assert sorted(nn.load(tmp_path / "state.npz")) == sorted(loaded)


# --- hooks and the record of each call ----------------------------------------------------
def test_forward_hooks_see_inputs_and_output_and_can_be_removed():
    layer = nn.Linear(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append((m, inputs, out)))
    x = ag.randn(4, 3)
    y = layer(x)
    assert len(seen) == 1 and seen[0][0] is layer and seen[0][1][0] is x and seen[0][2] is y
    handle.remove()
    layer(x)
    assert len(seen) == 1
    doubling = layer.register_forward_hook(lambda m, inputs, out: out * 2)
    np.testing.assert_allclose(host(layer(x)), 2 * host(y), rtol=1e-6)
    doubling.remove()


def test_forward_pre_hook_can_replace_the_input():
    layer = nn.Identity()
    handle = layer.register_forward_pre_hook(lambda m, inputs: inputs[0] + 1)
    assert host(layer(ag.zeros(2))).tolist() == [1.0, 1.0]
    handle.remove()
    assert host(layer(ag.zeros(2))).tolist() == [0.0, 0.0]


def test_hooks_on_children_of_a_sequential():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    shapes = []
    for child in model:
        child.register_forward_hook(lambda m, i, out: shapes.append(out.shape))
    model(ag.randn(5, 3))
    assert shapes == [(5, 4), (5, 4), (5, 1)]


def test_each_call_puts_the_nodes_it_creates_in_a_scope_of_its_own():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = ag.randn(2, 3, requires_grad=True)
    before = x * 1
    hidden_out = []
    model[1].register_forward_hook(lambda m, i, out: hidden_out.append(out))
    y = model(x)
    after = y * 1
    scope = y.grad_fn.scope
    assert scope.owner is model[2] and scope.parent.owner is model   # nested calls
    assert scope.parent.parent is None
    assert hidden_out[0].grad_fn.scope.parent is scope.parent        # one call of the model
    assert before.grad_fn.scope is None and after.grad_fn.scope is None
    model(x)
    assert model(x).grad_fn.scope.parent is not scope.parent         # a new call, a new scope
    assert model.owns_node(y) and model[2].owns_node(y) and not model[0].owns_node(y)
    assert model[1].owns_node(hidden_out[0]) and model.owns_node(hidden_out[0].grad_fn)
    assert not model.owns_node(before) and not model.owns_node(after)
    assert not model.owns_node(model[0].weight)  # leaves are nobody's nodes
    assert nn.Linear(2, 2).owns_node(y) is False  # never called


# --- containers ---------------------------------------------------------------------------
def test_sequential_indexing_and_growth():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    model = nn.Sequential(a, b)
    assert len(model) == 2 and model[0] is a and model[-1] is b and list(model) == [a, b]
    model.append(c)
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    head = model[1:]
    assert isinstance(head, nn.Sequential) and list(head) == [b, c]
    assert model(ag.randn(4, 2)).shape == (4, 1)
    with pytest.raises(IndexError, match="Sequential index 3 is out of range for 3"):
        model[3]
    named = nn.Sequential({"fc": nn.Linear(2, 2), "act": nn.Tanh()})
    assert [n for n, _ in named.named_parameters()] == ["fc.weight", "fc.bias"]
    assert named.fc is named[0]


def test_replacing_a_child_parameter_or_buffer_keeps_its_place():
    """As in PyTorch: assigning to an existing name replaces in place, so a Sequential still
    runs its layers in order and a state_dict keeps its key order."""
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model[0] = nn.Linear(2, 3)
    model[1] = nn.Tanh()
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    assert isinstance(model[1], nn.Tanh) and model(ag.randn(4, 2)).shape == (4, 1)
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
    layers[0] = nn.Identity()
    assert [type(m).__name__ for m in layers] == ["Identity", "Tanh", "Sigmoid"]
    block = Block()
    before = list(block.state_dict())
    block.fc1 = nn.Linear(4, 3)
    block.scale = nn.Parameter(ag.ones(2))
    assert list(block.state_dict()) == before


def test_module_list_registers_its_modules():
    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).tanh()
            return x
    tower = Tower()
    assert len(tower.layers) == 3 and len(list(tower.parameters())) == 6
    assert "layers.2.bias" in dict(tower.named_parameters())
    assert tower(ag.randn(1, 2)).shape == (1, 2)
    with pytest.raises(NotImplementedError, match="ModuleList has no forward"):
        tower.layers(ag.randn(1, 2))


def test_module_dict_behaves_like_a_dict_of_registered_modules():
    class Heads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})

        def forward(self, x):
            return {name: head(x) for name, head in self.heads.items()}
    model = Heads()
    heads = model.heads
    assert list(heads) == list(heads.keys()) == ["cls", "box"] and len(heads) == 2
    assert "cls" in heads and "mask" not in heads and heads["box"] is heads.box
    assert [n for n, _ in model.named_parameters()] == [
        "heads.cls.weight", "heads.cls.bias", "heads.box.weight", "heads.box.bias"]
    assert {k: y.shape for k, y in model(ag.randn(5, 4)).items()} == {"cls": (5, 3),
                                                                      "box": (5, 2)}
    heads["cls"] = nn.Linear(4, 7)      # replaced in place: the order stays
    heads["mask"] = nn.Linear(4, 1)
    heads.update([("box", nn.Identity()), ("extra", nn.Tanh())])
    assert list(heads) == ["cls", "box", "mask", "extra"]
    assert [type(m).__name__ for m in heads.values()] == ["Linear", "Identity", "Linear",
                                                          "Tanh"]
    assert isinstance(heads.pop("extra"), nn.Tanh) and "extra" not in heads
    del heads["mask"]
    assert list(heads) == ["cls", "box"]
    with pytest.raises(KeyError, match=r"ModuleDict has no module 'mask'; its keys are "
                                       r"\['cls', 'box'\]"):
        heads["mask"]
    with pytest.raises(KeyError, match="ModuleDict has no module 'mask'"):
        del heads["mask"]
    with pytest.raises(TypeError, match="child 'x' must be a Module, got int"):
        heads["x"] = 3
    with pytest.raises(TypeError, match=r"ModuleDict.update: entry 0 should be a \(key, "
                                        r"module\) pair, got str"):
        heads.update(["ab"])
    with pytest.raises(NotImplementedError, match="ModuleDict has no forward"):
        heads(ag.randn(1, 4))
    heads.clear()
    assert len(heads) == 0 and list(model.parameters()) == []


def test_module_dict_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    layers = {"conv": ("Conv2d", (1, 2, 3)), "pool": ("AvgPool2d", (2,)), "fc": ("Linear", (4, 2))}
    ours = nn.ModuleDict({k: getattr(nn, c)(*a) for k, (c, a) in layers.items()})
    theirs = torch.nn.ModuleDict({k: getattr(torch.nn, c)(*a) for k, (c, a) in layers.items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)


# --- whole models -------------------------------------------------------------------------
def sgd_by_hand(model, x, y, loss_fn, steps, lr):
    for _ in range(steps):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad.data
    return loss


@pytest.mark.parametrize("value", [0.0, 0.5])
def test_equal_initial_weights_keep_hidden_units_identical(value):
    """units that start equal get equal gradients, so they stay equal."""
    constant = lambda w: nn.init.constant_(w, value)  # noqa: E731
    model = nn.Sequential(nn.Linear(3, 5, init=constant), nn.Tanh(),
                          nn.Linear(5, 2, init=constant))
    rng = np.random.default_rng(0)
    x, y = ag.tensor(rng.standard_normal((16, 3))), ag.tensor(rng.standard_normal((16, 2)))
    sgd_by_hand(model, x, y, F.mse_loss, steps=10, lr=0.1)
    first = host(model[0].weight)
    assert np.abs(first - first[0]).max() == 0  # every hidden unit has the same weights
    assert host(model[2].weight).std(axis=1).max() == 0
    if value:
        assert np.abs(first - value).max() > 1e-3  # it did learn, just symmetrically


def test_random_initial_weights_break_the_symmetry():
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    first = host(model[0].weight)
    assert np.abs(first - first[0]).max() > 0.01


def test_xor_needs_a_hidden_layer():
    """a single layer cannot separate XOR; one hidden layer with a
    non-linearity can."""
    nn.manual_seed(1)
    x = ag.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = ag.tensor([[0.0], [1.0], [1.0], [0.0]])
    bce = F.binary_cross_entropy_with_logits
    perceptron = nn.Linear(2, 1)
    sgd_by_hand(perceptron, x, y, bce, steps=300, lr=0.5)
    network = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    loss = sgd_by_hand(network, x, y, bce, steps=300, lr=0.5)

    def accuracy(model):
        return ((host(model(x)) > 0) == (host(y) > 0.5)).mean()
    assert accuracy(perceptron) <= 0.75
    assert accuracy(network) == 1.0 and host(loss).item() < 0.1

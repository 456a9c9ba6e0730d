"""What a picture shows of a read graph (trace.Graph): a tree of drawable items, each standing
for some of the graph's operations.

- `OpItem`: one operation.
- `ModuleItem`: one module call, drawn as one node with its parameters listed inside.
- `ClusterItem`: one module call drawn open, as a labelled box around its contents.
- `FoldItem`: a block that repeats back to back (layer after layer, step after step), drawn
  as one node that says how often it repeats and shows the gradient across the repeats.

Three plans: `full` (every operation, boxed by module call), `by_module` (one node per
innermost module call) and `auto` (repeated blocks folded, so that any network fits on one
screen). A drawing (render.py) walks the items; each item knows how to draw itself.
"""
from dataclasses import dataclass

from .fold import find_runs

EXPAND_LIMIT = 24   # a module call with more operations than this is drawn open (auto)


@dataclass
class OpItem:
    op: object

    @property
    def ident(self):
        return self.op.ident

    def ops(self):
        return [self.op]

    def draw(self, canvas):
        canvas.op_node(self)


@dataclass
class ModuleItem:
    group: object
    members: list          # the operations, newest first

    @property
    def ident(self):
        return f"module_{self.group.key}"

    def ops(self):
        return self.members

    def draw(self, canvas):
        canvas.module_node(self)


@dataclass
class ClusterItem:
    group: object
    children: list

    @property
    def ident(self):
        return f"cluster_{self.group.key}"

    def ops(self):
        return [op for child in self.children for op in child.ops()]

    def draw(self, canvas):
        canvas.cluster(self)


@dataclass
class FoldItem:
    number: int            # which fold of the graph (what opening it refers to)
    units: list            # per repeat, its operations newest first (first repeat first)
    description: str       # what one repeat is, e.g. "Linear(50→50) → Sigmoid"
    part: str = ""         # "" for a whole fold, "_middle" for what stays folded when open

    @property
    def ident(self):
        return f"fold_{self.number}{self.part}"

    @property
    def repeats(self):
        return len(self.units)

    def ops(self):
        return [op for unit in self.units for op in unit]

    def draw(self, canvas):
        canvas.fold_node(self)


@dataclass
class Plan:
    items: list
    merge_edges: bool      # several edges between two drawn nodes become one

    def walk(self):
        """Every item, clusters' contents included."""
        pending = list(self.items)
        while pending:
            item = pending.pop(0)
            yield item
            if isinstance(item, ClusterItem):
                pending = list(item.children) + pending

    def drawn_in(self):
        """op ident -> the item whose node draws it."""
        owner = {}
        for item in self.walk():
            if not isinstance(item, ClusterItem):
                owner.update((op.ident, item) for op in item.ops())
        return owner


class _Tree:
    """The module calls of a graph as a tree: each group's own operations and child groups,
    in creation order."""

    def __init__(self, graph):
        self.groups = graph.groups
        self.own_ops = {}
        for op in graph.ops:                               # newest first
            self.own_ops.setdefault(op.group, []).append(op)
        self.children = {}
        for key, group in graph.groups.items():
            self.children.setdefault(group.parent, []).append(key)
        self._ops = {}

    def ops(self, key):
        """Every operation inside group `key`, newest first."""
        if key not in self._ops:
            found = list(self.own_ops.get(key, []))
            for child in self.children.get(key, []):
                found += self.ops(child)
            self._ops[key] = sorted(found, key=lambda op: -op.seq)
        return self._ops[key]

    def members(self, key):
        """(first seq, kind, member) for the ops and child groups directly inside `key`
        (None: the top level), oldest first."""
        found = [(op.seq, "op", op) for op in self.own_ops.get(key, [])]
        found += [(self.ops(child)[-1].seq, "group", child)
                  for child in self.children.get(key, []) if self.ops(child)]
        return sorted(found, key=lambda m: m[0])


def full(graph):
    """Every operation; module calls as boxes around their operations."""
    tree = _Tree(graph)

    def level(key):
        items = [OpItem(op) for op in reversed(tree.own_ops.get(key, []))]
        items += [ClusterItem(graph.groups[child], level(child))
                  for child in tree.children.get(key, [])]
        return items
    return Plan(level(None), merge_edges=False)


def by_module(graph):
    """One node per innermost module call; operations outside modules stay single nodes."""
    items, seen = [], {}
    for op in graph.ops:
        if op.group is None:
            items.append(OpItem(op))
        elif op.group not in seen:
            seen[op.group] = ModuleItem(graph.groups[op.group], [])
            items.append(seen[op.group])
        if op.group is not None:
            seen[op.group].members.append(op)
    return Plan(items, merge_edges=True)


def auto(graph, open_folds=(), open_groups=()):
    """Repeated blocks folded at every level; module calls one node each, or drawn open when
    they hold many operations (an LSTM over 50 steps: its steps fold inside). A fold whose
    number is in `open_folds` shows its first and last two repeats open; a group key in
    `open_groups` is drawn open whatever its size."""
    tree = _Tree(graph)
    counter = iter(range(10 ** 9))

    def token(kind, member):
        if kind == "op":
            return ("op", member.name, member.shape)
        return ("group", graph.groups[member].kind, len(tree.ops(member)))

    def item(kind, member):
        if kind == "op":
            return OpItem(member)
        ops = tree.ops(member)
        if len(ops) > EXPAND_LIMIT or member in open_groups:
            return ClusterItem(graph.groups[member], level(member))
        return ModuleItem(graph.groups[member], ops)

    def unit_ops(unit):
        found = [op for kind, member in unit
                 for op in ([member] if kind == "op" else tree.ops(member))]
        return sorted(found, key=lambda op: -op.seq)

    def describe(unit):
        return " → ".join(member.name if kind == "op" else graph.groups[member].kind
                          for kind, member in unit)

    def level(key):
        members = [(kind, member) for _, kind, member in tree.members(key)]
        runs = find_runs([token(kind, member) for kind, member in members])
        items, position = [], 0
        for run in runs:
            items += [item(*m) for m in members[position:run.start]]
            units = [members[run.start + k * run.period:run.start + (k + 1) * run.period]
                     for k in range(run.repeats)]
            fold = FoldItem(next(counter), [unit_ops(u) for u in units], describe(units[0]))
            if fold.number in open_folds:
                items += _opened(fold, units, item)
            else:
                items.append(fold)
            position = run.stop
        items += [item(*m) for m in members[position:]]
        return items

    return Plan(level(None), merge_edges=True)


def expanded(graph, module_types):
    """`auto`, with the calls of `module_types` drawn open, op by op, and every fold that holds
    one showing its first and last two repeats open: what a block does inside (its skip
    connection, say) shows, and the graph still fits one screen."""
    groups = {key for key, group in graph.groups.items()
              if group.module_type is not None and issubclass(group.module_type, module_types)}

    def inside(op):
        key = op.group
        while key is not None and key not in groups:
            key = graph.groups[key].parent
        return key is not None

    folds = set()
    while True:   # opening a fold can show folds nested in it: open those too
        plan = auto(graph, folds, groups)
        more = {item.number for item in plan.walk() if isinstance(item, FoldItem)
                and not item.part and any(inside(op) for op in item.ops())} - folds
        if not more:
            return plan
        folds |= more


def _opened(fold, units, item):
    """A fold drawn open: its first two and last two repeats item by item, the ones between
    still folded (so that opening never draws hundreds of nodes)."""
    if fold.repeats <= 5:
        return [item(*m) for unit in units for m in unit]
    middle = FoldItem(fold.number, fold.units[2:-2], fold.description, part="_middle")
    return ([item(*m) for unit in units[:2] for m in unit] + [middle] +
            [item(*m) for unit in units[-2:] for m in unit])

"""DOT text, written without any package: nodes, edges, clusters and attributes, laid out as
the graphviz package lays them out (so `to_dot` needs nothing but numpy, and the text is the
same as `backward_graph(...).source`)."""
import contextlib
import re

_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_QUOTE = re.compile(r'(?P<backslashes>(?:\\{2})*)\\?(?P<quote>")')


def quote(text):
    """A DOT identifier: as it is when it is one (or an HTML-like label `<...>`), otherwise
    in double quotes with its quotes escaped."""
    text = str(text)
    if text.startswith("<") and text.endswith(">"):
        return text
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + _QUOTE.sub(r'\g<backslashes>\\\g<quote>', text) + '"'


def attributes(label=None, attrs=None):
    """`label=... key=value ...`: the label first, then the others sorted by name."""
    parts = [] if label is None else [f"label={quote(label)}"]
    parts += [f"{quote(k)}={quote(v)}" for k, v in sorted((attrs or {}).items())
              if v is not None]
    return " ".join(parts)


class Dot:
    """The body of a directed graph, one statement per line."""

    def __init__(self, name):
        self.name = name
        self.body = []

    def attr(self, kw=None, **attrs):
        """Attributes of the graph itself (kw None), or defaults for "node" or "edge"."""
        text = attributes(None, attrs)
        self.body.append(f"\t{text}\n" if kw is None else f"\t{kw} [{text}]\n")

    def node(self, name, label=None, **attrs):
        text = attributes(label, attrs)
        self.body.append(f"\t{quote(name)}" + (f" [{text}]" if text else "") + "\n")

    def edge(self, tail, head, label=None, **attrs):
        text = attributes(label, attrs)
        self.body.append(f"\t{quote(tail)} -> {quote(head)}" + (f" [{text}]" if text else "")
                         + "\n")

    @contextlib.contextmanager
    def subgraph(self, name):
        """`with dot.subgraph("cluster_x") as sub:` — its lines go inside, indented."""
        sub = Dot(name)
        yield sub
        self.body.append(f"\tsubgraph {quote(name)} {{\n")
        self.body += [f"\t{line}" for line in sub.body]
        self.body.append("\t}\n")

    @property
    def source(self):
        return f"digraph {quote(self.name)} {{\n" + "".join(self.body) + "}\n"

"""The shape of the code: imports go one way, modules stay small, commands live in the CLI and
English words live in data files (issue 16; docs/architecture.md).

Each rule is measured from the source with :mod:`ast`, so that nothing is imported to check it.
Run ``python tests/test_architecture.py`` for a report (inline words per file, module sizes).

Rules:

* **No import cycle**, counting every ``import`` statement of ``src/frontwatch`` wherever it is:
  at module level, inside functions, under ``if TYPE_CHECKING``. Importing ``a.b.c`` also
  runs ``a/__init__.py`` and ``a/b/__init__.py``, so an import of a module of another package
  is an edge to that package too (not an edge from a module to its own parent packages: a
  package's ``__init__`` may list its modules). The root ``frontwatch/__init__.py`` is the
  public facade (``frontwatch.extract``, ``frontwatch.Extractor``, loaded lazily) and no
  module imports it.
* **Layers**: every module belongs to one layer of :data:`LAYERS` and imports only modules of
  its own layer or of layers below it.
* **Module size**: no module of ``src/frontwatch`` has more than :data:`MAX_LINES` lines.
* **Commands only in** ``frontwatch/cli/``: no other module imports :mod:`click`.
* **English words inline in Python**: at most :data:`MAX_INLINE_WORDS`, counted by
  :func:`inline_words` (the rule is in its docstring).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "frontwatch"

MAX_LINES = 900
MAX_INLINE_WORDS = 400

# -- the modules and their imports --------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # frontwatch.nlp.segment
    path: Path
    is_package: bool  # an __init__.py

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@lru_cache(maxsize=1)
def modules() -> dict[str, Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        out[name] = Module(name, path, is_package)
    return out


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].path.read_text(encoding="utf-8"))


def _imported(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The frontwatch modules that ``node`` names (a ``from x import y`` names ``x.y`` when
    ``y`` is a module, else ``x``)."""
    known = modules()
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if node.level:
        base = module.package.split(".")
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base) + (f".{node.module}" if node.module else "")
    else:
        target = node.module or ""
    for alias in node.names:
        candidate = f"{target}.{alias.name}"
        yield candidate if candidate in known else target


def _owner(name: str) -> str | None:
    """The module of ``name`` (``frontwatch.x.y`` may name an object of ``frontwatch.x``)."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@lru_cache(maxsize=1)
def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the frontwatch modules it imports (the rule is in the module docstring)."""
    graph: dict[str, frozenset[str]] = {}
    for name, module in modules().items():
        targets: set[str] = set()
        own_packages = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
        for node in ast.walk(tree(name)):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for imported in _imported(module, node):
                if not imported.startswith("frontwatch"):
                    continue
                target = _owner(imported)
                if target is None or target == name:
                    continue
                targets.add(target)
                parts = target.split(".")
                for k in range(2, len(parts)):  # the packages it runs on the way
                    parent = ".".join(parts[:k])
                    if parent not in own_packages and parent != name:
                        targets.add(parent)
        graph[name] = frozenset(targets)
    return graph


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


#: The layers, bottom first, by module prefix (the longest prefix wins): a module may import
#: its own layer and the layers below it. docs/architecture.md draws them.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "records",
        (
            "frontwatch.about",
            "frontwatch.errors",
            "frontwatch.settings",
            "frontwatch.records",
            "frontwatch.offsets",
            "frontwatch.filters",
        ),
    ),
    ("word data", ("frontwatch.lexicon", "frontwatch.dates")),
    ("ingest", ("frontwatch.ingest",)),
    ("gazetteer", ("frontwatch.gazetteer",)),
    ("spaCy plumbing", ("frontwatch.nlp",)),
    ("components", ("frontwatch.components",)),
    ("learned coder", ("frontwatch.coder",)),
    ("assembly", ("frontwatch.assembly",)),
    ("pipeline", ("frontwatch.pipeline", "frontwatch.relevance")),
    ("situation", ("frontwatch.situation",)),
    ("store", ("frontwatch.store",)),
    ("exports", ("frontwatch.output", "frontwatch.export")),
    ("eval", ("frontwatch.eval", "frontwatch.training")),
    ("api", ("frontwatch.api", "frontwatch.web")),
    ("cli", ("frontwatch.cli",)),
    ("facade", ("frontwatch",)),
)


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of ``module`` (longest matching prefix; the facade
    ``frontwatch`` is the package's ``__init__`` only)."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module.startswith(prefix + ".") and prefix != "frontwatch"
            if (module == prefix or inside) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        raise KeyError(module)
    return best[1]


def test_architecture_every_module_has_a_layer() -> None:
    for name in modules():
        layer_of(name)


def test_architecture_imports_go_down() -> None:
    upward = sorted(
        (name, target, LAYERS[layer_of(name)][0], LAYERS[layer_of(target)][0])
        for name, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(name)
    )
    assert upward == []


def test_architecture_import_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert graph  # the walk reads every module
    assert all(t in modules() for targets in graph.values() for t in targets)


def test_architecture_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


#: the layer table of docs/architecture.md: ``| 7. assembly | `frontwatch.assembly`, ... | ...``
_LAYER_ROW = re.compile(r"^\| (\d+)\. ([^|]+?) \| ([^|]+) \|", re.MULTILINE)


def test_architecture_doc_draws_the_layers() -> None:
    """docs/architecture.md's layer table is :data:`LAYERS`: the same layers in the same order,
    each row naming the packages of its layer (a module of ``frontwatch`` by its last name)."""
    doc = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {int(n): (name, cell) for n, name, cell in _LAYER_ROW.findall(doc)}
    assert [rows[n][0] for n in sorted(rows)] == [name for name, _ in LAYERS]
    for n, (name, prefixes) in enumerate(LAYERS, 1):
        named = set(re.findall(r"`([\w./]+)`", rows[n][1]))
        for prefix in prefixes:
            assert {prefix, prefix.rsplit(".", 1)[-1]} & named, f"{name}: {prefix}"
        listed = {m for m in named if m.startswith("frontwatch.")}
        assert listed <= set(prefixes), f"{name}: {sorted(listed - set(prefixes))}"


# -- module size ------------------------------------------------------------------------------


def line_counts() -> dict[str, int]:
    return {
        name: len(m.path.read_text(encoding="utf-8").splitlines()) for name, m in modules().items()
    }


def test_architecture_module_size() -> None:
    over = {name: n for name, n in line_counts().items() if n > MAX_LINES}
    assert over == {}


# -- commands ---------------------------------------------------------------------------------


def test_architecture_commands_only_in_cli() -> None:
    users = set()
    for name, module in modules().items():
        if name == "frontwatch.cli" or name.startswith("frontwatch.cli."):
            continue
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Import | ast.ImportFrom) and any(
                n == "click" or n.startswith("click.") for n in _external(node)
            ):
                users.add(module.name)
    assert users == set()


def _external(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    return [node.module or ""] if not node.level else []


# -- English words inline in Python --------------------------------------------------------

_WORDS = re.compile(r"[a-z]+(?:['-][a-z]+)*(?: [a-z]+(?:['-][a-z]+)*)*")
_REGEX = re.compile(r"\(\?[:=!<P#aiLmsux-]|\\[sbwdSBWD]")
_REGEX_SYNTAX = re.compile(
    r"\\[A-Za-z]|\(\?P?<[A-Za-z_]\w*>|\(\?P=\w+\)|\(\?[aiLmsux-]+:?|\[(?:\\.|[^\]])*\]"
)
_MESSAGE_WORDS = 5  # a string of this many words or more is a message, not a word list


@lru_cache(maxsize=1)
def _annotation_labels() -> frozenset[str]:
    """spaCy's lowercase annotation labels ("nsubj", "dobj", "amod"): names of the parser's
    output, not English words."""
    from spacy.glossary import GLOSSARY

    return frozenset(k for k in GLOSSARY if k.islower())


def inline_words(source: str, schema: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """The English words written inline in a Python source, with their line numbers.

    A string constant (not a docstring, not the text of an f-string) is English word data when

    * it is made of lowercase words (letters, inner hyphens and apostrophes, single spaces)
      and it is an element of a list, tuple or set display, a key or value of a dict display
      whose value is a constant (a table: ``{"north": "N"}``; not a record being built:
      ``{"id": event.id}``), an operand of a comparison (``lower_ == "said"``,
      ``lemma in ("x", "y")``), or the receiver of ``.split()`` (directly, or through a
      module-level name: ``WORDS = "mr mrs dr"; WORDS.split()``); each of its words counts;
    * or it looks like a regular expression (it holds ``(?`` or ``\\s``, ``\\b``, ``\\w``,
      ``\\d``): each run of two or more letters counts, once the escapes, group names, flags
      and character classes are taken out (``(?i:last|this|next)`` counts three).

    * or it is made of lowercase words over several lines (a word list written as a text);
      each of its words counts.

    A string of five words or more on one line that is not split into a list is a message ("no
    event with this id"), not a word list: it does not count.

    Not counted: the values of the ``Literal[...]`` types of the package, wherever they are
    written (``modality == "reported"``, ``kind in ("outlet", "person")``: the values of the
    record schema, checked by mypy, are code), ``__all__`` (public names), and spaCy's
    lowercase annotation labels (``"nsubj"``: see :func:`_annotation_labels`).
    ``schema`` is the set of those ``Literal`` values (:func:`schema_values`; by default none,
    so that a source is measured on its own).
    """
    module = ast.parse(source)
    parent: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(module):
        for child in ast.iter_child_nodes(node):
            parent[child] = node
    split_names = {
        node.value.id
        for node in ast.walk(module)
        if isinstance(node, ast.Attribute)
        and node.attr == "split"
        and isinstance(node.value, ast.Name)
    }
    labels = _annotation_labels()
    found: list[tuple[str, int]] = []
    for node in ast.walk(module):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        above = parent.get(node)
        if isinstance(above, ast.Expr | ast.JoinedStr) or _in_schema(node, parent):
            continue
        text = node.value
        if _REGEX.search(text):
            words = re.findall(r"[A-Za-z]{2,}", _REGEX_SYNTAX.sub(" ", text))
            found.extend((w, node.lineno) for w in words)
            continue
        if "\n" in text and _WORDS.fullmatch(" ".join(text.split())):
            found.extend((w, node.lineno) for w in text.split())  # a list written over lines
            continue
        if not _WORDS.fullmatch(text) or text in labels or text in schema:
            continue
        if len(text.split()) >= _MESSAGE_WORDS and not _is_split(node, above, parent, split_names):
            continue
        if _is_word_data(node, above, parent, split_names):
            found.extend((w, node.lineno) for w in text.split())
    return found


@lru_cache(maxsize=1)
def schema_values() -> frozenset[str]:
    """Every string value of a ``Literal[...]`` written in the package."""
    values: set[str] = set()
    for name in modules():
        for node in ast.walk(tree(name)):
            if _is_literal_type(node):
                assert isinstance(node, ast.Subscript)
                values.update(
                    c.value
                    for c in ast.walk(node.slice)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                )
    return frozenset(values)


def _is_literal_type(node: ast.AST) -> bool:
    if not isinstance(node, ast.Subscript):
        return False
    target = node.value
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name == "Literal"


def _in_schema(node: ast.AST, parent: dict[ast.AST, ast.AST]) -> bool:
    above = parent.get(node)
    while above is not None and not isinstance(above, ast.stmt):
        if _is_literal_type(above):
            return True
        above = parent.get(above)
    return isinstance(above, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in above.targets
    )


def _is_split(
    node: ast.Constant, above: ast.AST | None, parent: dict[ast.AST, ast.AST], names: set[str]
) -> bool:
    """``"a b c".split()``, or a module-level ``NAME = "a b c"`` with ``NAME.split()``."""
    if isinstance(above, ast.Attribute) and above.attr == "split":
        return True
    return (
        isinstance(above, ast.Assign)
        and isinstance(parent.get(above), ast.Module)
        and any(isinstance(t, ast.Name) and t.id in names for t in above.targets)
    )


def _is_word_data(
    node: ast.Constant,
    above: ast.AST | None,
    parent: dict[ast.AST, ast.AST],
    split_names: set[str],
) -> bool:
    if isinstance(above, ast.List | ast.Tuple | ast.Set | ast.Compare):
        return True
    if isinstance(above, ast.Dict):
        for key, value in zip(above.keys, above.values, strict=True):
            if node is key or node is value:
                return isinstance(value, ast.Constant | ast.Tuple | ast.UnaryOp)
        return False
    return _is_split(node, above, parent, split_names)


def inline_word_counts() -> dict[str, int]:
    schema = schema_values()
    return {
        name: len(inline_words(m.path.read_text(encoding="utf-8"), schema))
        for name, m in modules().items()
    }


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ('ACTORS = {"troop", "army"}', 2),
        ('if tok.lower_ == "said": pass', 1),
        ('if tok.lower_ in ("according to", "via"): pass', 3),
        ('BEARINGS = {"north": "N", "north-east": "NE"}', 2),
        ('row = {"id": event.id, "date": event.date}', 0),
        ('WORDS = "mr mrs dr"\nABBREVIATIONS = frozenset(WORDS.split())', 3),
        ('PATTERN = r"(?P<which>(?i:last|this|next))\\s+week"', 4),
        ('Modality = Literal["asserted", "reported"]', 0),
        ('Kind = Literal["outlet", "person"]\nif kind in ("outlet", "person", "role"): pass', 1),
        ('__all__ = ["extract", "reader"]', 0),
        ('DEPS = ("nsubj", "dobj")', 0),
        ('logger.info("reading %s", name)', 0),
        ('ERRORS = {404: "no event with this id"}', 0),
        ('WORDS = _words("""\n    a about above\n    across after\n""")', 5),
        ('WORDS = "mr mrs dr prof gen"\nABBREVIATIONS = frozenset(WORDS.split())', 5),
        ('NO_BREAK = re.compile(r"\\b(?:Mr|Mrs|[A-Z])\\.$")', 2),
        ('def f():\n    """Say "hello" to the world."""', 0),
    ],
)
def test_architecture_inline_words_rule(source: str, count: int) -> None:
    module = ast.parse(source)
    schema = frozenset(
        c.value
        for node in ast.walk(module)
        if _is_literal_type(node)
        for c in ast.walk(node.slice)  # type: ignore[attr-defined]
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    )
    assert len(inline_words(source, schema)) == count


def test_architecture_inline_english_words() -> None:
    total = sum(inline_word_counts().values())
    assert total <= MAX_INLINE_WORDS


def report() -> str:
    upward = [
        f"  {name} ({LAYERS[layer_of(name)][0]}) -> {target} ({LAYERS[layer_of(target)][0]})"
        for name, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if layer_of(target) > layer_of(name)
    ]
    lines = [f"import cycles: {cycles(import_graph()) or 'none'}", "imports that go up:", *upward]
    lines += ["", "lines (largest):"]
    sizes = Counter(line_counts())
    lines += [f"  {n:5d} {name}" for name, n in sizes.most_common(10)]
    words = Counter(inline_word_counts())
    lines += ["", f"inline English words: {sum(words.values())} (at most {MAX_INLINE_WORDS})"]
    lines += [f"  {n:5d} {name}" for name, n in words.most_common() if n]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())

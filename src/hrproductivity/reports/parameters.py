"""Check report parameters against a template's ``parameters`` cell.

The template declares its parameters with typed, commented defaults::

    org: str = "K091"          # organisation code
    min_n: int = 5             # smallest group shown
    lang: Literal["fi", "en"] = "fi"

:func:`check_parameters` uses :func:`papermill.inspect_notebook` and rejects a
parameter the template does not declare, or a value whose type does not match
the declared type (without an annotation: the type of the default). Types it
cannot read (``pd.DataFrame``) are not checked.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hrproductivity.errors import ReportError

__all__ = ["check_parameters", "inspect_template", "plain_value"]

_ANY = object()


def inspect_template(template: str | Path) -> dict[str, dict[str, str]]:
    """The template's declared parameters: name -> ``{inferred_type_name, default, help}``.

    Raises
    ------
    ReportError
        When the template cannot be read.
    """
    import papermill

    path = Path(template)
    if not path.is_file():
        raise ReportError(f"report template not found: {path}")
    try:
        params: dict[str, dict[str, str]] = papermill.inspect_notebook(str(path))
        source = _parameters_source(path)
    except Exception as exc:  # noqa: BLE001 - any read problem means the run cannot start
        raise ReportError(f"cannot read report template {path}: {exc}") from None
    # papermill's pattern skips some valid declarations (``x: str | None = None``,
    # ``lang: Literal["fi", "en"] = "fi"``); read those from the cell's syntax tree.
    for name, spec in _declared_by_ast(source).items():
        params.setdefault(name, spec)
    return params


def _parameters_source(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    return ""


def _declared_by_ast(source: str) -> dict[str, dict[str, str]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            default = ast.unparse(node.value) if node.value is not None else "None"
            found[node.target.id] = _spec(node.target.id, ast.unparse(node.annotation), default)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = _spec(target.id, "None", ast.unparse(node.value))
    return found


def _spec(name: str, type_name: str, default: str) -> dict[str, str]:
    return {"name": name, "inferred_type_name": type_name, "default": default, "help": ""}


def check_parameters(
    template: str | Path,
    parameters: Mapping[str, Any],
    *,
    declared: Mapping[str, Mapping[str, str]] | None = None,
    report: str | None = None,
) -> None:
    """Raise if ``parameters`` do not fit the template's ``parameters`` cell.

    Parameters
    ----------
    template : str or Path
        The template notebook (named in messages).
    parameters : mapping
        Parameter values, as plain values (see :func:`plain_value`).
    declared : mapping, optional
        The result of :func:`inspect_template`, when already known.
    report : str, optional
        The report's name, to say which report's parameters are wrong.

    Raises
    ------
    ReportError
        Naming the parameter, the expected type (or the declared names) and the template.
    """
    if declared is None:
        declared = inspect_template(template)
    where = f" (report {report!r})" if report else ""
    for name, value in parameters.items():
        if name not in declared:
            names = ", ".join(sorted(declared)) or "none: it has no cell tagged 'parameters'"
            raise ReportError(
                f"unknown parameter {name!r}{where} for template {template}; "
                f"the template declares: {names}"
            )
        spec = declared[name]
        type_name = spec.get("inferred_type_name", "None")
        expected = _expected(type_name, spec.get("default", ""))
        if not _matches(expected, value):
            shown = type_name if type_name != "None" else f"{_name(expected)} (from the default)"
            raise ReportError(
                f"parameter {name!r}{where} of template {template} expects {shown}, "
                f"got {type(value).__name__} {value!r}"
            )


def plain_value(value: Any, name: str = "value") -> Any:
    """The value in the types a notebook parameter can carry (str, int, float, bool, None,
    list, dict): paths become str, NumPy scalars and arrays plain numbers and lists.

    Raises
    ------
    ReportError
        For a value no notebook parameter can carry.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return [plain_value(v, name) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: plain_value(v, name) for k, v in value.items()}
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return plain_value(value.tolist(), name)
    raise ReportError(
        f"parameter {name!r}: a {type(value).__name__} cannot be passed to a notebook; "
        "use str, int, float, bool, None, lists or str-keyed dicts"
    )


# --------------------------------------------------------------------------- types

_BUILTINS: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "List": list,
    "Sequence": list,
    "tuple": list,
    "Tuple": list,
    "dict": dict,
    "Dict": dict,
    "Mapping": dict,
    "None": type(None),
    "NoneType": type(None),
    "Path": str,
    "PathLike": str,
    "Any": _ANY,
    "object": _ANY,
}


def _expected(type_name: str, default: str) -> Any:
    """A small type expression: a type, ``_ANY``, ("union", [...]), ("list", item),
    ("literal", values)."""
    if type_name in ("", "None"):  # no annotation: the type of the default
        try:
            value = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            return _ANY
        return _ANY if value is None else _BUILTINS.get(type(value).__name__, _ANY)
    try:
        node = ast.parse(type_name, mode="eval").body
    except SyntaxError:
        return _ANY
    return _from_ast(node)


def _from_ast(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return type(None)
        if isinstance(node.value, str):  # a quoted forward reference
            return _expected(node.value, "")
        return _ANY
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _BUILTINS.get(name, _ANY)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return ("union", [_from_ast(node.left), _from_ast(node.right)])
    if isinstance(node, ast.Subscript):
        outer = (
            node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, "attr", "")
        )
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return ("union", [_from_ast(args[0]), type(None)])
        if outer == "Union":
            return ("union", [_from_ast(a) for a in args])
        if outer == "Literal":
            values = [a.value for a in args if isinstance(a, ast.Constant)]
            return ("literal", values) if len(values) == len(args) else _ANY
        base = _BUILTINS.get(outer, _ANY)
        if base is list and outer in ("list", "List", "Sequence") and len(args) == 1:
            return ("list", _from_ast(args[0]))
        return base
    return _ANY


def _matches(expected: Any, value: Any) -> bool:
    if expected is _ANY:
        return True
    if isinstance(expected, tuple):
        kind, arg = expected
        if kind == "union":
            return any(_matches(e, value) for e in arg)
        if kind == "literal":
            return any(value == v and type(value) is type(v) for v in arg)
        return isinstance(value, list) and all(_matches(arg, v) for v in value)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _name(expected: Any) -> str:
    if isinstance(expected, type):
        return expected.__name__
    return "value"

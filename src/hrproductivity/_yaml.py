"""Reading YAML written by users (dataset.yaml, instrument files): safe, and no aliases.

``yaml.safe_load`` already refuses tags that build Python objects, but it
expands aliases: a few lines of nested ``&a [*b, *b, …]`` (a "billion laughs"
bomb) grow into gigabytes before anything can be checked. Configuration files
of this package never need an alias, so the first one stops the reading with
the line and column where it stands.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["AliasRefused", "load_yaml"]


class AliasRefused(yaml.composer.ComposerError):
    """A YAML alias (``*name``) was found; aliases are refused before any expansion."""

    def __init__(self, anchor: str, mark: Any) -> None:
        super().__init__(None, None, f"YAML alias '*{anchor}'", mark)
        self.anchor = anchor


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, stopping at the first alias instead of expanding it."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(str(event.anchor), event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """Parse ``text`` as :func:`yaml.safe_load` does, refusing aliases.

    Raises
    ------
    yaml.YAMLError
        Invalid YAML; :class:`AliasRefused` (a subclass) for an alias.
    """
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass

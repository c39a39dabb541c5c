"""What every input refuses, whoever sends it: the NUL character (U+0000).

PostgreSQL cannot store it in text or JSON, so a NUL that reached a query or a row would
fail there as a server error. No person types one: it is refused as bad input, named by its
field, before anything is looked up or written."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, field_validator

NUL = "\x00"
# Django's own words (its forms' CharField says the same), translated in our catalogue.
NUL_MESSAGE = gettext_lazy("Null characters are not allowed.")


def nul_paths(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where decoded input (JSON, a query's values) holds a NUL: the path of each string
    with one (a key with one is reported at the object holding it)."""
    if isinstance(value, str):
        return [path] if NUL in value else []
    found: list[tuple[str, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [path] if NUL in str(key) else nul_paths(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += nul_paths(item, (*path, str(index)))
    return found


def storable(value: Any) -> Any:
    """Decoded input with the NUL characters taken out of every string: for messages from
    the public (a chat), where the words are kept rather than the message refused."""
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


class TextInput(BaseModel):
    """A service's input: unknown fields refused, and NUL characters, field by field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # Nested models check their own fields; here the strings and lists of strings.
        if not isinstance(value, BaseModel) and nul_paths(value):
            raise ValueError(str(NUL_MESSAGE))
        return value

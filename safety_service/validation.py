"""Field types shared by the request models of every domain."""

from typing import Annotated

from pydantic import AfterValidator


def strip_blank(value: str) -> str:
    """The text without surrounding whitespace; refuses text that is only whitespace."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(strip_blank)]

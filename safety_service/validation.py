"""Field types shared by the request models of every domain."""

from typing import Annotated

from pydantic import AfterValidator, Field


def strip_blank(value: str) -> str:
    """The text without surrounding whitespace; refuses text that is only whitespace."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(strip_blank)]

# The largest integer a database column holds (SQLite's INTEGER, PostgreSQL's BIGINT). A larger
# number can name no row, and handed to the SQLite driver it is an OverflowError, not "not found".
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]

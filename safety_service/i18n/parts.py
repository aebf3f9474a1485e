"""A language's catalogue joined from its parts (the public pages', the console's, each domain's)."""

from collections.abc import Mapping


def joined(*parts: Mapping[str, str]) -> dict[str, str]:
    """The parts as one catalogue. A key in two parts is refused: where a later part silently replaced an earlier
    one, the stop-production form's 停产撤人区域 became the console's label for every area."""
    whole: dict[str, str] = {}
    for part in parts:
        if twice := sorted(part.keys() & whole.keys()):
            raise ValueError(f"message keys defined in two parts of a catalogue: {', '.join(twice)}")
        whole.update(part)
    return whole

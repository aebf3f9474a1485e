"""The risk matrix (风险矩阵, LS method): likelihood × severity, each 1–5, and the four levels.

The levels are the four colours of the map (四色): 重大 red, 较大 orange, 一般 yellow, 低 blue.
The bands are those many coal mines use with a 5 × 5 LS matrix; they are stored with the rating
(method, L, S, R), so a rating made under other bands keeps what it was.
"""

from enum import StrEnum


class RiskLevel(StrEnum):
    major = "major"  # 重大风险, red
    significant = "significant"  # 较大风险, orange
    general = "general"  # 一般风险, yellow
    low = "low"  # 低风险, blue


class ControlKind(StrEnum):
    engineering = "engineering"  # 工程技术
    management = "management"  # 管理
    training = "training"  # 培训教育
    protection = "protection"  # 个体防护
    emergency = "emergency"  # 应急处置


class ReviewKind(StrEnum):
    annual = "annual"  # 年度辨识评估
    special = "special"  # 专项辨识评估


METHOD = "LS"
ORDER = (RiskLevel.major, RiskLevel.significant, RiskLevel.general, RiskLevel.low)
COLOURS = {RiskLevel.major: "#d7191c", RiskLevel.significant: "#f28c28", RiskLevel.general: "#ffd92f",
           RiskLevel.low: "#2b83ba"}
# The lowest score R = L × S of each level.
BANDS = ((20, RiskLevel.major), (12, RiskLevel.significant), (6, RiskLevel.general), (1, RiskLevel.low))


def rate(likelihood: int, severity: int) -> tuple[int, RiskLevel]:
    """The score and level of a likelihood and a severity, each 1–5."""
    score = likelihood * severity
    return score, next(level for lowest, level in BANDS if score >= lowest)


def highest(levels: list[RiskLevel]) -> RiskLevel:
    """The highest of the levels (低 when there are none)."""
    return min(levels, key=ORDER.index, default=RiskLevel.low)

"""Risk grading tables (双重预防机制 风险分级) as versioned data, with their source.

Published tables disagree at the edges, so the table in force is data: a new table is a new
version, and every assessment records the version it was graded with.
"""

import math
from dataclasses import dataclass
from datetime import date

from shared.events.contracts.registry import RiskColour


@dataclass(frozen=True)
class Band:
    above: float  # the score is > above ...
    up_to: float  # ... and <= up_to
    colour: RiskColour
    label: str


@dataclass(frozen=True)
class BandTable:
    method: str
    version: str
    source: str
    effective: date
    factors: dict[str, tuple[float, ...]]  # allowed values of each factor
    bands: tuple[Band, ...]

    def score(self, factors: dict[str, float]) -> float:
        return math.prod(factors[name] for name in self.factors)

    def band(self, score: float) -> Band:
        matches = [b for b in self.bands if b.above < score <= b.up_to]
        if len(matches) != 1:
            raise ValueError(f"{self.version}: score {score} falls in {len(matches)} bands")
        return matches[0]


LEC = BandTable(
    method="LEC",
    version="LEC-common-2024",
    source="作业条件危险性评价法 D=L×E×C(格雷厄姆-金尼法)常用分级",
    effective=date(2024, 1, 1),
    factors={
        "L": (10, 6, 3, 1, 0.5, 0.2, 0.1),  # 事故发生的可能性
        "E": (10, 6, 3, 2, 1, 0.5),  # 暴露于危险环境的频繁程度
        "C": (100, 40, 15, 7, 3, 1),  # 发生事故产生的后果
    },
    bands=(
        Band(320, math.inf, RiskColour.red, "极其危险,不能继续作业 / extremely dangerous"),
        Band(160, 320, RiskColour.orange, "高度危险,需立即整改 / highly dangerous"),
        Band(70, 160, RiskColour.yellow, "显著危险,需要整改 / significant"),
        Band(20, 70, RiskColour.blue, "一般危险,需要注意 / general"),
        Band(0, 20, RiskColour.blue, "稍有危险,可以接受 / acceptable"),
    ),
)

LS = BandTable(
    method="LS",
    version="LS-provincial-2024",
    source="风险矩阵法 R=L×S(常见省级分级:20-25红、15-16橙、9-12黄、1-8蓝)",
    effective=date(2024, 1, 1),
    factors={"L": (1, 2, 3, 4, 5), "S": (1, 2, 3, 4, 5)},  # 可能性, 严重性
    bands=(
        Band(19, 25, RiskColour.red, "重大风险 / major"),
        Band(12, 19, RiskColour.orange, "较大风险 / considerable"),
        Band(8, 12, RiskColour.yellow, "一般风险 / general"),
        Band(0, 8, RiskColour.blue, "低风险 / low"),
    ),
)

TABLES: dict[str, BandTable] = {LEC.method: LEC, LS.method: LS}
COLOUR_ORDER = (RiskColour.blue, RiskColour.yellow, RiskColour.orange, RiskColour.red)

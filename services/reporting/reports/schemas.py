from typing import ClassVar

from pydantic import BaseModel, Field


class StatisticsFormRow(BaseModel):
    """One line of the statistical analysis of hazards (a grid, or the total)."""

    COUNTS: ClassVar[tuple[str, ...]] = (
        "general_found",
        "general_rectified",
        "major_found",
        "major_rectified",
        "major_planned",
        "overdue_open",
        "escalated",
    )

    label: str
    general_found: int = Field(description="一般隐患排查数")
    general_rectified: int = Field(description="一般隐患已整改")
    general_rate: float | None = Field(description="一般隐患整改率")
    major_found: int = Field(description="重大隐患排查数")
    major_rectified: int = Field(description="重大隐患已整改")
    major_rate: float | None = Field(description="重大隐患整改率")
    major_planned: int = Field(description="重大隐患列入治理计划(已下达限期整改及治理方案)")
    overdue_open: int = Field(description="逾期未整改")
    escalated: int = Field(description="上报/移交执法")


class StatisticsForm(BaseModel):
    """事故隐患排查治理情况统计分析表 (order No. 16 art. 14) of a quarter or a year."""

    period: str
    title: str
    rows: list[StatisticsFormRow]
    total: StatisticsFormRow

"""The monthly assessment of grid staff as a spreadsheet: the ranking, and the count behind each
measure of the zone's weights."""

from services.reporting.assessment.schemas import Assessment
from shared.labels import zh
from shared.spreadsheets import Column, write_xlsx


def assessment_xlsx(assessment: Assessment) -> bytes:
    metrics = list(assessment.weights)
    columns = [
        Column("名次", 7, "int"),
        Column("姓名", 10),
        Column("网格", 20, wrap=True),
        Column("得分", 9, "number"),
        *(
            Column(f"{zh('assessment_measure', m)}(权重{assessment.weights[m]:g})", 12, "int", wrap=True)
            for m in metrics
        ),
    ]
    rows = (
        [
            s.rank,
            s.name,
            "、".join(s.grids),
            s.score,
            *({i.metric: i.count for i in s.items}.get(m, 0) for m in metrics),
        ]
        for s in assessment.scores
    )
    return write_xlsx(f"网格员考核{assessment.month}", columns, rows)

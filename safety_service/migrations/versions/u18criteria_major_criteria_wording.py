"""煤矿重大事故隐患判定标准 (应急管理部令第4号): six items whose wording had been written from memory now read as
the published text (第四条第（三）（四）项, 第八条第（八）（九）项, 第九条第（一）项, 第十四条第（二）项). An item
an administrator has reworded since is left as they wrote it; the items keep their ids, so hazards graded by
them keep their situation.

Revision ID: u18criteria
Revises: u18selfcheck
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "u18criteria"
down_revision: str | tuple[str, ...] | None = "u18selfcheck"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (article, item, the wording seeded before, the published wording)
CORRECTIONS = (
    (4, 3, ("煤矿开拓、准备、回采煤量可采期小于国家规定的最短时间，未主动采取限产或者停采措施，仍然组织生产的"
           "（衰老煤矿和地方人民政府计划停产关闭煤矿除外）"),
     ("煤矿开拓、准备、回采煤量可采期小于国家规定的最短时间，未主动采取限产或者停产措施，仍然组织生产的"
     "（衰老煤矿和地方人民政府计划停产关闭煤矿除外）")),
    (4, 4, "煤矿井下同时生产的水平超过2个，或者一个采（盘）区内同时作业的采煤、煤巷掘进工作面个数超过《煤矿安全规程》规定的",
     ("煤矿井下同时生产的水平超过2个，或者一个采（盘）区内同时作业的采煤、煤（半煤岩）巷掘进工作面个数超过"
     "《煤矿安全规程》规定的")),
    (8, 8, "煤巷、半煤岩巷和有瓦斯涌出的岩巷的掘进工作面未装备甲烷电、风电闭锁装置或者有关装置不能正常使用的",
     "煤巷、半煤岩巷和有瓦斯涌出的岩巷掘进未按照国家规定装备甲烷电、风电闭锁装置或者有关装置不能正常使用的"),
    (8, 9, ("高瓦斯、煤（岩）与瓦斯（二氧化碳）突出矿井的煤巷、半煤岩巷和有瓦斯涌出的岩巷的掘进工作面采用局部通风时，"
           "不能实现双风机、双电源且自动切换的"),
     ("高瓦斯、煤（岩）与瓦斯（二氧化碳）突出矿井的煤巷、半煤岩巷和有瓦斯涌出的岩巷掘进工作面采用局部通风时，"
     "不能实现双风机、双电源且自动切换的")),
    (9, 1, "未按照国家规定查明矿井水文地质条件和井田范围内采空区、废弃老窑积水等情况而组织生产建设的",
     "未查明矿井水文地质条件和井田范围内采空区、废弃老窑积水等情况而组织生产建设的"),
    (14, 2, "有两个回路但取自一个区域变电所同一母线段的", "有两回路电源线路但取自一个区域变电所同一母线段的"),
)
_TABLE = sa.table("major_hazard_criterion", sa.column("article", sa.Integer), sa.column("item_no", sa.Integer),
                  sa.column("text", sa.Text), sa.column("updated_at", safety_service.database.UTCDateTime(timezone=True)))


def _reword(before: int, after: int) -> None:
    stamp = datetime.now(UTC)
    for row in CORRECTIONS:
        article, item = row[0], row[1]
        op.execute(_TABLE.update().where(_TABLE.c.article == article, _TABLE.c.item_no == item,
                                         _TABLE.c.text == row[before]).values(text=row[after], updated_at=stamp))


def upgrade() -> None:
    _reword(2, 3)


def downgrade() -> None:
    _reword(3, 2)

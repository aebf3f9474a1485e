"""The standard hazard library (隐患标准库): standard descriptions per category with their default grade, level,
fix days and report type, seeded with common coal-mine items; a confirmed hazard keeps the item it matched and its
report type (安委〔2024〕7号); the categories gain 冲击地压, 安全监控 and 提升 (split from 运输).

Revision ID: 0012l
Revises: n017k
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0012l"
down_revision: str | tuple[str, ...] | None = "n017k"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, Chinese, English, sort order (the first ten were 10..100; these go beside their kin, 其他 stays last)
CATEGORIES = (
    ("rock_burst", "冲击地压", "Rock burst", 15),
    ("monitoring", "安全监控", "Safety monitoring", 25),
    ("hoisting", "提升", "Hoisting", 65),
)
REPORT_TYPES = "'unsafe_act','unsafe_condition','environment','management'"

# category, title, grade, level (None for a major hazard), fix days, report type
ITEMS = (
    ("roof", "巷道顶板离层、裂缝未及时处理", "general", "B", 3, "unsafe_condition"),
    ("roof", "锚杆（索）托盘松动、失效或支护密度不符合作业规程", "general", "C", 2, "unsafe_condition"),
    ("roof", "工作面支架初撑力不足、接顶不实", "general", "C", 1, "unsafe_condition"),
    ("roof", "端头、超前支护距离不符合作业规程", "general", "B", 2, "unsafe_condition"),
    ("roof", "巷道局部冒顶、片帮未处理或空顶作业", "general", "A", 1, "unsafe_condition"),
    ("roof", "作业前未执行敲帮问顶", "general", "C", 1, "unsafe_act"),
    ("gas", "工作面或回风流中瓦斯浓度超限仍作业", "major", None, 1, "unsafe_act"),
    ("gas", "上隅角瓦斯积聚未处理", "general", "A", 1, "environment"),
    ("gas", "瓦斯抽采系统管路漏气、负压不足", "general", "B", 3, "unsafe_condition"),
    ("gas", "瓦斯检查员漏检、假检或空班", "general", "A", 1, "management"),
    ("gas", "便携式甲烷检测报警仪未按规定携带", "general", "C", 1, "unsafe_act"),
    ("ventilation", "局部通风机无专人管理或未实现“双风机、双电源”自动切换", "general", "A", 2, "unsafe_condition"),
    ("ventilation", "风筒破损漏风、吊挂不平直或出口距迎头超过规定", "general", "C", 1, "unsafe_condition"),
    ("ventilation", "风门不能自动关闭或两道风门同时打开", "general", "B", 1, "unsafe_condition"),
    ("ventilation", "密闭墙漏风、墙前栅栏和警标不全", "general", "B", 3, "unsafe_condition"),
    ("ventilation", "采掘工作面风量不足或无风、微风作业", "major", None, 1, "environment"),
    ("water", "未执行“有掘必探、先探后掘”", "major", None, 1, "management"),
    ("water", "探放水钻孔数量、深度不符合设计", "general", "A", 3, "unsafe_act"),
    ("water", "水仓淤积未按期清理，排水能力不足", "general", "B", 7, "unsafe_condition"),
    ("water", "巷道出现挂红、挂汗、顶板淋水加大等透水征兆未报告", "general", "A", 1, "environment"),
    ("electromechanical", "防爆电气设备失爆", "general", "B", 1, "unsafe_condition"),
    ("electromechanical", "电缆吊挂不规范、明接头或鸡爪子、羊尾巴", "general", "C", 2, "unsafe_condition"),
    ("electromechanical", "漏电、过流、接地保护失效或甩掉不用", "general", "A", 1, "unsafe_condition"),
    ("electromechanical", "电气设备检修未执行停电、验电、挂牌", "general", "B", 1, "unsafe_act"),
    ("electromechanical", "带式输送机托辊不转、跑偏或保护装置不全", "general", "C", 2, "unsafe_condition"),
    ("transport", "斜巷运输“一坡三挡”不全或失效", "general", "A", 1, "unsafe_condition"),
    ("transport", "绞车信号不完好、钢丝绳磨损超限", "general", "B", 2, "unsafe_condition"),
    ("transport", "架空乘人装置越位、急停保护失效", "general", "B", 1, "unsafe_condition"),
    ("transport", "轨道道岔、轨距不符合标准", "general", "C", 5, "unsafe_condition"),
    ("transport", "扒车、跳车或乘坐不允许乘人的车辆", "general", "C", 1, "unsafe_act"),
    ("hoisting", "提升机防过卷、防过速、限速等保护装置失效", "major", None, 1, "unsafe_condition"),
    ("hoisting", "提升钢丝绳断丝、锈蚀超限未更换", "general", "A", 2, "unsafe_condition"),
    ("hoisting", "罐笼安全门、摇台、阻车器闭锁不完好", "general", "B", 2, "unsafe_condition"),
    ("hoisting", "提升信号系统不完好或信号工无证上岗", "general", "B", 1, "management"),
    ("blasting", "爆破未执行“一炮三检”和“三人连锁”", "general", "A", 1, "unsafe_act"),
    ("blasting", "炮眼封泥不足或使用不合格炮泥", "general", "B", 1, "unsafe_act"),
    ("blasting", "爆炸物品领退、存放不符合规定", "general", "A", 1, "management"),
    ("blasting", "爆破警戒距离不够或未设警戒", "general", "B", 1, "unsafe_act"),
    ("fire", "消防器材不全、失效或过期", "general", "C", 3, "unsafe_condition"),
    ("fire", "井下电焊、气割未执行安全措施", "general", "A", 1, "unsafe_act"),
    ("fire", "采空区自然发火标志气体异常（一氧化碳超限）", "major", None, 1, "environment"),
    ("fire", "防灭火注浆、注氮措施未落实", "general", "B", 3, "management"),
    ("dust", "防尘喷雾装置不能正常使用", "general", "C", 1, "unsafe_condition"),
    ("dust", "巷道积尘超过规定未冲洗", "general", "C", 2, "environment"),
    ("dust", "隔爆水袋（水棚）水量不足或安设不符合规定", "general", "B", 2, "unsafe_condition"),
    ("dust", "作业人员未佩戴防尘口罩", "general", "C", 1, "unsafe_act"),
    ("rock_burst", "冲击危险区域未进行钻屑法或应力在线监测", "general", "A", 1, "management"),
    ("rock_burst", "卸压钻孔施工深度、间距不符合防冲设计", "general", "A", 2, "unsafe_act"),
    ("rock_burst", "冲击危险区域人员超限或未设限员管理站", "general", "A", 1, "management"),
    ("rock_burst", "防冲支护（吸能支架、锚索）不到位", "general", "B", 2, "unsafe_condition"),
    ("monitoring", "甲烷传感器安设位置不符合规定", "general", "B", 1, "unsafe_condition"),
    ("monitoring", "传感器未按期调校或显示值与实测不符", "general", "B", 1, "management"),
    ("monitoring", "断电仪、馈电传感器不能正常断电", "general", "A", 1, "unsafe_condition"),
    ("monitoring", "人员位置监测识别卡未携带或基站故障", "general", "C", 1, "unsafe_act"),
    ("monitoring", "安全监控系统故障、数据中断未及时处理", "general", "A", 1, "unsafe_condition"),
    ("other", "特种作业人员无证上岗", "general", "A", 1, "management"),
    ("other", "安全技术措施未贯彻或未签字", "general", "B", 2, "management"),
    ("other", "未按规定携带自救器", "general", "C", 1, "unsafe_act"),
    ("other", "安全警示标志缺失或不清", "general", "C", 3, "unsafe_condition"),
)


def upgrade() -> None:
    category = sa.table("category", sa.column("id", sa.Integer), sa.column("code", sa.String),
                        sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
                        sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean))
    bind = op.get_bind()
    known = set(bind.execute(sa.select(category.c.code)).scalars())
    op.bulk_insert(category, [{"code": c, "name_zh": zh, "name_en": en, "sort_order": order, "active": True}
                              for c, zh, en, order in CATEGORIES if c not in known])
    item = op.create_table(
        "hazard_library_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=True),
        sa.Column("fix_days", sa.Integer(), nullable=False),
        sa.Column("report_type", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("grade IN ('general','major')", name=op.f("ck_hazard_library_item_grade")),
        sa.CheckConstraint("fix_days >= 1 AND fix_days <= 365", name=op.f("ck_hazard_library_item_fix_days")),
        sa.CheckConstraint(f"report_type IS NULL OR report_type IN ({REPORT_TYPES})",
                           name=op.f("ck_hazard_library_item_report_type")),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], name=op.f("fk_hazard_library_item_category_id_category")),
        sa.ForeignKeyConstraint(["level_id"], ["hazard_level.id"],
                                name=op.f("fk_hazard_library_item_level_id_hazard_level")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_library_item")),
        sa.UniqueConstraint("title", name=op.f("uq_hazard_library_item_title")),
    )
    categories = dict(bind.execute(sa.select(category.c.code, category.c.id)).all())
    level = sa.table("hazard_level", sa.column("id", sa.Integer), sa.column("code", sa.String))
    levels = dict(bind.execute(sa.select(level.c.code, level.c.id)).all())
    stamp = datetime.now(UTC)
    op.bulk_insert(item, [
        {"category_id": categories[c], "title": t, "grade": g, "level_id": levels.get(lv) if lv else None,
         "fix_days": d, "report_type": rt, "active": True, "updated_at": stamp}
        for c, t, g, lv, d, rt in ITEMS if c in categories
    ])
    # Plain ADD COLUMNs: batch mode would recreate hazard, which many tables refer to.
    if bind.dialect.name == "sqlite":  # SQLite takes a reference only inline in ADD COLUMN
        op.execute("ALTER TABLE hazard ADD COLUMN library_item_id INTEGER "
                   "CONSTRAINT fk_hazard_library_item_id_hazard_library_item REFERENCES hazard_library_item (id)")
    else:
        op.add_column("hazard", sa.Column("library_item_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_hazard_library_item_id_hazard_library_item"), "hazard",
                              "hazard_library_item", ["library_item_id"], ["id"])
    op.add_column("hazard", sa.Column("report_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("hazard", "report_type")
    if op.get_bind().dialect.name == "sqlite":  # batch mode would recreate hazard; the reference is inline
        op.execute("ALTER TABLE hazard DROP COLUMN library_item_id")
    else:
        op.drop_constraint(op.f("fk_hazard_library_item_id_hazard_library_item"), "hazard", type_="foreignkey")
        op.drop_column("hazard", "library_item_id")
    op.drop_table("hazard_library_item")
    category = sa.table("category", sa.column("code", sa.String))
    op.execute(category.delete().where(category.c.code.in_([c for c, *_ in CATEGORIES])))

"""隐患标准库与上报类型的中文文字；并入 ``zh_cn.MESSAGES``。"""

MESSAGES: dict[str, str] = {
    "console.field.library_item": "对应标准隐患（隐患标准库）",
    "console.field.report_type": "隐患类型",
    "console.library.none": "不对应标准条目",
    "console.library.suggested": "与描述最接近",
    "console.library.all": "按类别",
    "console.library.hint": "选中标准条目后，未另选的分级、隐患类型和整改期限按条目默认值。",
    "console.library.from_item": "按标准条目",
    "console.report_type.unsafe_act": "人的不安全行为",
    "console.report_type.unsafe_condition": "物的不安全状态",
    "console.report_type.environment": "环境缺陷",
    "console.report_type.management": "管理缺陷",
    "console.error.library_item": "该标准条目不存在、已停用或不属于所选类别",
    "report.library.suggestions": "常见隐患（点选可填入描述）",
    "error.library_item.unknown": "所选的常见隐患已停用或与所选类别不符，已取消选择；请重新点选或直接提交。",
    "console.admin.library": "隐患标准库",
    "console.admin.add_library_item": "添加标准隐患",
    "console.field.library_title": "标准隐患描述",
    "console.field.fix_days": "整改期限（天）",
    "console.field.library_level": "级别",
}

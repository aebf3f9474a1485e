"""The standard hazard library and report types in English; merged into ``en.MESSAGES``."""

MESSAGES: dict[str, str] = {
    "console.field.library_item": "Standard hazard (hazard library)",
    "console.field.report_type": "Report type",
    "console.library.none": "No standard item",
    "console.library.suggested": "Nearest the description",
    "console.library.all": "By category",
    "console.library.hint": "With a standard item chosen, the level, report type and fix days not chosen here "
                            "are the item's defaults.",
    "console.library.from_item": "From the standard item",
    "console.stats.by_report_type": "Open hazards by report type",
    "console.stats.no_report_type": "Not yet typed",
    "console.stats.top_library_items": "Standard library items matched most (weeks shown)",
    "console.report_type.unsafe_act": "Unsafe act",
    "console.report_type.unsafe_condition": "Unsafe condition",
    "console.report_type.environment": "Environmental defect",
    "console.report_type.management": "Management defect",
    "console.error.library_item": "No such active standard item in the chosen category",
    "report.library.suggestions": "Common hazards (tap to use the wording)",
    "error.library_item.unknown": "The common hazard you picked is no longer offered or is not of the chosen kind; it was unpicked. Pick again or send as it is.",
    "console.admin.library": "Hazard library",
    "console.admin.add_library_item": "Add a standard hazard",
    "console.field.library_title": "Standard description",
    "console.field.fix_days": "Fix days",
    "console.field.library_level": "Level",
}

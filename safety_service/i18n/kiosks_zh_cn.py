"""简体中文 (zh-CN) messages of the console's kiosk page; merged into ``zh_cn.MESSAGES``."""

MESSAGES: dict[str, str] = {
    "console.admin.kiosks": "井口终端",
    "console.kiosks.hint": "每台井口终端有自己的消息代理账号（用户名即终端编号）。停用后终端立即断开且不能再连接，"
                           "启用后用原密码恢复；更换密码后旧密码立即失效；移除的终端永远不能再连接，编号不再使用，"
                           "经它上报的隐患记录全部保留。",
    "console.kiosks.id": "终端编号",
    "console.kiosks.account": "账号",
    "console.kiosks.presence": "在线状态",
    "console.kiosks.state.active": "启用",
    "console.kiosks.state.disabled": "已停用",
    "console.kiosks.state.removed": "已移除",
    "console.kiosks.status.online": "在线",
    "console.kiosks.status.offline": "离线",
    "console.kiosks.status.unknown": "未知",
    "console.kiosks.last_report": "最近一次举报",
    "console.kiosks.dead_letters": "未能处理的消息",
    "console.kiosks.since": "自 {at} 起（{span}）",
    "console.kiosks.no_report": "尚无举报",
    "console.kiosks.waiting": "{count} 条待处理",
    "console.kiosks.disable": "停用",
    "console.kiosks.enable": "启用",
    "console.kiosks.rotate": "更换密码",
    "console.kiosks.remove": "移除（不可恢复）",
    "console.kiosks.none": "还没有登记井口终端。",
    "console.kiosks.add": "登记井口终端",
    "console.kiosks.done.added": "井口终端 {kiosk} 已登记。",
    "console.kiosks.done.disabled": "井口终端 {kiosk} 已停用。",
    "console.kiosks.done.enabled": "井口终端 {kiosk} 已启用。",
    "console.kiosks.done.rotated": "井口终端 {kiosk} 的密码已更换，旧密码已失效。",
    "console.kiosks.done.removed": "井口终端 {kiosk} 已移除。",
    "console.kiosks.credentials": "连接信息：密码只显示这一次，请现在填入终端。",
    "console.kiosks.username": "用户名",
    "console.kiosks.password": "密码",
    "console.kiosks.report_topic": "上报主题",
    "console.kiosks.refused_removed": "井口终端 {kiosk} 已移除，不能再做任何操作，未作改动。",
    "console.kiosks.error.kiosk_id": "编号已被使用（移除的终端编号也不再使用），或只能用字母、数字、- 和 _。",
    "console.kiosks.broker.applied": "消息代理已更新，立即生效。",
    "console.kiosks.broker.reload_needed": "已改写消息代理的密码文件和访问控制表，但未能通知它重新加载："
                                           "请让 Mosquitto 重新加载（SIGHUP）。",
    "console.kiosks.broker.not_written": "未设置 SAFETY_MQTT_PASSWORD_FILE / SAFETY_MQTT_ACL_FILE，"
                                         "消息代理的文件未改写：请运行 safety-service mqtt write-config 并重新加载代理。",
}

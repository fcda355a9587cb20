"""Every user-facing Chinese text, in one place for review. Code and comments stay in English."""

from __future__ import annotations

from datetime import date, datetime

ROLE_LABELS = {"cadre": "队员", "teamlead": "队长", "leader": "领导", "admin": "管理员"}
SCOPE_LABELS = {"team": "本队", "township": "乡镇", "county": "县区"}
WEEKDAYS = "一二三四五六日"

# --- commands: descriptions shown by Telegram's menu and /help -----------------------------------
COMMAND_DESCRIPTIONS = {
    "start": "开始使用",
    "help": "查看命令说明",
    "checkin": "打卡（可附备注）",
    "mycheckins": "查看我本月的打卡",
    "me": "设置我的姓名：/me 姓名",
    "summary": "本周工作周报（队长、领导）",
    "makeup": "为队员补卡（队长）",
    "setup": "设置本队规则和信息（队长）",
    "setlocation": "设置驻村位置（队长）",
    "grant": "设置成员角色（管理员）",
}

COMMAND_USAGE = {
    "checkin": "/checkin [备注] 或发送“打卡”；也可以直接发送位置打卡",
    "mycheckins": "/mycheckins [2026-11]",
    "me": "/me 姓名，例如：/me 张三",
    "summary": "/summary [本周 / 上周 / 2026-W48]",
    "makeup": "回复队员的消息发送：/makeup 日期 [过夜] 原因\n或：/makeup 用户ID 日期 [过夜] 原因\n日期可写：今天、昨天、前天、11-20、2026-11-20",
    "setup": "/setup 规则 五天四夜\n/setup 村 某某村 | /setup 乡镇 某某镇 | /setup 县 某某县\n/setup 时区 Asia/Shanghai | /setup 半径 3000",
    "setlocation": "发送 /setlocation 后分享村部位置；或回复一条位置消息发送 /setlocation；或 /setlocation 纬度 经度",
    "grant": "/grant 用户ID 角色 [范围]，或回复成员消息发送 /grant 角色 [范围]\n角色：cadre 队员、teamlead 队长、leader 领导、admin 管理员；领导的范围：township 乡镇、county 县区",
}

START = (
    "您好，我是驻村助手。\n"
    "在工作队群里发送“打卡”或分享位置即可打卡；队长和领导可以用 /summary 查看周报。\n"
    "发送 /help 查看全部命令。"
)
WELCOME_GROUP = (
    "大家好，我是驻村助手。\n"
    "每天在群里发送“打卡”或分享位置即可打卡，晚上{night}后打卡同时记住村。\n"
    "群管理员是队长，可以用 /setup 选择考勤规则、/setlocation 设置村部位置。发送 /help 查看全部命令。"
)
HELP_HEADER = "可用命令（您的角色：{role}）："
HELP_LINE = "/{name} — {description}"
HELP_FOOTER = "中文也可以：打卡、补卡、周报、授权、设置、帮助。"

# --- errors and refusals ------------------------------------------------------------------------
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看可用命令。"
DENIED = "/{name} 仅限{role}使用。如需权限，请联系管理员。"
BUTTON_DENIED = "这个按钮仅限队长使用。"
GROUP_ONLY = "请在工作队的群里使用 /{name}。"
PRIVATE_NO_TEAM = "您还没有加入任何工作队群。请先在工作队群里发言或打卡。"
INTERNAL_ERROR = "抱歉，处理时出了点问题，请稍后再试。您的记录没有丢失。"
FORWARDED_NOT_ACCEPTED = "转发的消息不能用来打卡，请自己发送“打卡”或分享当前位置。"

INVALID = {
    "note_too_long": "备注太长了（最多{limit}字），请精简后重新发送。",
    "name_empty": "请在 /me 后面写上您的姓名，例如：/me 张三",
    "name_invalid": "姓名最多{limit}个字，且不能以“/”开头。例如：/me 张三",
    "grant_usage": "用法：" + COMMAND_USAGE["grant"],
    "grant_bad_role": "没有“{given}”这个角色。可选：cadre 队员、teamlead 队长、leader 领导、admin 管理员。",
    "grant_bad_scope": "范围“{given}”不对：只有 leader 可以加范围，可选 township 乡镇 或 county 县区。",
    "grant_bad_user": "用户ID应是一串数字，例如：/grant 123456789 teamlead；也可以回复该成员的消息发送 /grant teamlead。",
    "makeup_usage": "用法：" + COMMAND_USAGE["makeup"],
    "makeup_future": "不能为未来的日期（{day}）补卡。",
    "makeup_too_old": "只能补最近{limit}天内的卡。更早的请联系县驻村办处理。",
    "bad_date": "日期“{given}”不存在，请检查后重发，例如：11-20 或 2026-11-20。",
    "unknown_member": "用户 {user_id} 还不是本队成员（需先在本群发过言）。",
    "month_usage": "月份格式：/mycheckins 2026-11（不写则为本月）。",
    "week_usage": "周的写法：本周、上周，或 2026-W48 这样的周编号。",
    "setup_usage": "用法：\n" + COMMAND_USAGE["setup"],
    "setup_bad_profile": "没有“{given}”这个规则。可选：{choices}。",
    "setup_too_long": "名称太长了（最多{limit}字）。",
    "setup_bad_timezone": "时区“{given}”无法识别，请写成 Asia/Shanghai 这样的格式。",
    "setup_bad_radius": "半径请写{low}到{high}之间的米数，例如：/setup 半径 3000",
    "location_usage": "用法：" + COMMAND_USAGE["setlocation"],
}

# --- check-ins ----------------------------------------------------------------------------------
CHECKIN_NEW = "✅ {name} 已打卡：{day}（周{weekday}）{time}"
CHECKIN_NIGHT = "，含当晚住村"
CHECKIN_REPEAT = "ℹ️ {name} 今天已经打过卡了（{time}），不用重复打卡"
CHECKIN_NIGHT_ADDED = "🌙 已补记当晚住村（{time}）"
CHECKIN_LOCATION_ADDED = "📍 已补记位置"
CHECKIN_DISTANCE = "📍 距村部约{distance}"
CHECKIN_FAR = "⚠️ 距村部约{distance}，超出{radius}范围，已标记待核实"
CHECKIN_NO_TEAM_LOCATION = "（本队还未设置村部位置，队长可用 /setlocation 设置）"
CHECKIN_PRIVATE = "请在工作队的群里打卡，这样队长能看到。"

MAKEUP_NEW = "📝 已为 {name} 补卡：{day}{night}。原因：{reason}"
MAKEUP_EXISTS = "ℹ️ {name} 在 {day} 已有打卡记录（{time}），无需补卡"
MAKEUP_NIGHT_ADDED = "📝 已为 {name} 补记 {day} 住村。原因：{reason}"
MAKEUP_NIGHT_WORD = "（含住村）"

MONTH_HEADER = "{name} {year}年{month}月打卡：{days}天，住村{nights}夜"
MONTH_LINE = "{day}（周{weekday}）{marks}"
MONTH_EMPTY = "本月还没有打卡记录。"
MARK_NIGHT = "🌙住村"
MARK_MAKEUP = "📝补卡"
MARK_FAR = "⚠️位置待核实"
MONTH_LEGEND = "🌙住村　📝补卡　⚠️位置待核实"

# --- roles and names ----------------------------------------------------------------------------
ME_SET = "好的，以后称呼您为“{name}”。"
ME_SHOW = "您的姓名：{name}\n在本群的角色：{role}\n修改姓名：/me 姓名"
GRANT_DONE = "已将 {name}（{user_id}）设为{role}{scope}。"
GRANT_SCOPE = "（范围：{scope}）"

# --- team settings ------------------------------------------------------------------------------
SETUP_SHOW = (
    "本队设置：\n"
    "规则：{rule}（{rule_summary}）\n"
    "村：{village}　乡镇：{township}　县：{county}\n"
    "时区：{timezone}　打卡范围：{radius}米　村部位置：{location}\n\n"
    "点下面的按钮选择考勤规则，或：\n{usage}"
)
SETUP_NOT_SET = "未设置"
SETUP_LOCATION_SET = "已设置"
SETUP_DONE = "已更新：{field} = {value}"
SETUP_PROFILE_DONE = "考勤规则已改为：{name}（{summary}）\n依据：{source}"
SETLOCATION_PROMPT = "请点击📎，选择“位置”，分享村部的位置。"
SETLOCATION_DONE = "村部位置已设置（{lat:.5f}, {lon:.5f}），打卡范围{radius}米。"

# --- summary ------------------------------------------------------------------------------------
SUMMARY_HEADER = "📊 {team} 周报 {week}（{start} 至 {end}）\n考勤规则：{rule}（本周应在村{days}天、住村{nights}夜）"
SUMMARY_LINE = "{mark} {name}：在村{days}天，住村{nights}夜{extra}"
SUMMARY_MAKEUP = "，补卡{count}天"
SUMMARY_FAR = "，位置待核实{count}天"
SUMMARY_FOOTER = "达标 {ok}/{total} 人"
SUMMARY_NO_MEMBERS = "本队还没有成员记录。"


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def short_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def distance(metres: float) -> str:
    return f"{metres / 1000:.1f}公里" if metres >= 1000 else f"{metres:.0f}米"


def invalid(code: str, **details: object) -> str:
    return INVALID[code].format(**details)

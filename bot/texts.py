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
    "household": "登记、修改、删除农户（队长）",
    "households": "查看本村登记的农户",
    "visit": "记录走访：/visit 户主姓名 内容",
    "phonevisit": "记录电话回访：/phonevisit 户主姓名 内容",
    "problems": "查看未办结的问题清单",
    "assign": "指派问题责任人（队长）",
    "resolve": "问题销号：/resolve 编号 处理结果（队长）",
    "reopen": "重新打开问题（队长）",
    "overdue": "查看逾期未走访的户",
    "roster": "驻村干部信息备案台账（私信发送）",
    "cadre": "填写队员的台账信息（队长）",
    "cancel": "取消当前操作",
    "quiz": "发起政策答题：/quiz [题数]（队长）",
    "rank": "答题排行：/rank [本周/本月/总]",
    "review": "私聊复习答错的题",
    "spotcheck": "发起快问快答抽查（队长）",
    "ask": "查政策：/ask 问题",
    "leave": "请假：/leave 天数 [开始日期] 事由",
    "export": "导出周报工作簿：/export [本周/上周/2026-W48]（队长、领导）",
    "remind": "设置提醒：/remind 时间 内容（队长）",
    "reminders": "查看本群的提醒（队长）",
    "unremind": "删除提醒：/unremind 编号（队长）",
}

COMMAND_USAGE = {
    "checkin": "/checkin [备注] 或发送“打卡”；也可以直接发送位置打卡",
    "mycheckins": "/mycheckins [2026-11]",
    "me": "/me 姓名，例如：/me 张三；填写台账：/me 字段 值，例如：/me 学历 大学本科",
    "summary": "/summary [本周 / 上周 / 2026-W48]",
    "makeup": "回复队员的消息发送：/makeup 日期 [过夜] 原因\n或：/makeup 用户ID 日期 [过夜] 原因\n日期可写：今天、昨天、前天、11-20、2026-11-20",
    "setup": "/setup 规则 五天四夜 | /setup 走访 山西\n/setup 村 某某村 | /setup 乡镇 某某镇 | /setup 县 某某县\n/setup 村类型 ①③ | /setup 工作队 是\n/setup 时区 Asia/Shanghai | /setup 半径 3000",
    "setlocation": "发送 /setlocation 后分享村部位置；或回复一条位置消息发送 /setlocation；或 /setlocation 纬度 经度",
    "household": "/household 户主姓名 户类型 [组别]，例如：/household 张三 脱贫户 三组\n删除：/household 删除 张三（三组）\n指定帮扶责任人：/household 责任人 张三 用户ID（或回复该队员的消息）",
    "households": "/households [户类型 / 组别 / 姓名]，例如：/households 监测户",
    "visit": "走访 户主姓名 内容，例如：走访 张三 了解春耕情况 #问题 屋顶漏雨\n同名户写明组别：走访 张三（三组） 内容；只发“走访”可一步步填写",
    "phonevisit": "电话回访 户主姓名 内容",
    "assign": "回复队员的消息发送 /assign 编号，或 /assign 编号 用户ID",
    "resolve": "/resolve 编号 处理结果，例如：/resolve 3 已协调村委维修屋顶",
    "reopen": "/reopen 编号 [原因]",
    "cadre": "回复队员的消息发送 /cadre 字段 值，或 /cadre 用户ID 字段 值，例如：/cadre 驻村身份 工作队员",
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
HELP_FOOTER = "中文也可以：打卡、走访、电话回访、登记、问题清单、逾期、台账、补卡、周报、授权、设置、帮助、取消。"

# --- errors and refusals ------------------------------------------------------------------------
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看可用命令。"
DENIED = "/{name} 仅限{role}使用。如需权限，请联系管理员。"
BUTTON_DENIED = "这个按钮仅限队长使用。"
GROUP_ONLY = "请在工作队的群里使用 /{name}。"
PRIVATE_NO_TEAM = "您还没有加入任何工作队群。请先在工作队群里发言或打卡。"
INTERNAL_ERROR = "抱歉，处理时出了点问题，请稍后再试。您的记录没有丢失。"
FORWARDED_NOT_ACCEPTED = "转发的消息不能用来打卡，请自己发送“打卡”或分享当前位置。"

REMIND_EXAMPLES = ("/remind 每周一 09:00 例会", "/remind 明天 15:00 提交走访台账", "/remind 每月1日 09:00 报送月度工作总结")

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
    "setup_bad_schedule": "没有“{given}”这个走访标准。可选：{choices}。",
    "setup_bad_timezone": "时区“{given}”无法识别，请写成 Asia/Shanghai 这样的格式。",
    "setup_bad_radius": "半径请写{low}到{high}之间的米数，例如：/setup 半径 3000",
    "location_usage": "用法：" + COMMAND_USAGE["setlocation"],
    "household_usage": "用法：" + COMMAND_USAGE["household"] + "\n户类型可选：{choices}",
    "household_bad_type": "没有“{given}”这种户类型。可选：{choices}。",
    "household_bad_name": "户主姓名“{given}”不对：请写姓名（最多{limit}个字），同名户可写成 张三（三组）。",
    "household_bad_group": "组别“{given}”看不懂，请写成“三组”或“3组”。",
    "household_needs_group": "本村已有同名户：{choices}。请加上组别区分，例如：/household {given} 脱贫户 二组",
    "household_unknown": "本村没有登记“{given}”这一户。发送 /households 查看已登记的户。",
    "household_ambiguous": "本村有多户叫“{given}”：{choices}。请写明组别，例如：{given}（三组）",
    "household_gone": "这一户已被删除，请重新选择。",
    "visit_usage": "用法：" + COMMAND_USAGE["visit"],
    "visit_empty_note": "走访内容不能为空。请写上走访了解到的情况，例如：走访 张三 了解春耕情况",
    "visit_note_too_long": "走访内容太长了（最多{limit}字），请分几次发送。",
    "problem_number_usage": "请写问题编号（数字），例如：/resolve 3 已解决。发送 /problems 查看编号。",
    "problem_unknown": "没有编号为 {number} 的问题。发送 /problems 查看问题清单。",
    "problem_already_closed": "问题 #{number} 已经销号了。如需重新处理，请发送 /reopen {number} 原因",
    "problem_already_open": "问题 #{number} 还没有销号，不需要重新打开。",
    "resolve_usage": "用法：" + COMMAND_USAGE["resolve"],
    "assign_usage": "用法：" + COMMAND_USAGE["assign"],
    "xlsx_unreadable": "这个文件打不开。请发送 Excel 的 .xlsx 文件（WPS/Excel 里“另存为 .xlsx”）。",
    "xlsx_no_header": "表格的前15行里找不到表头（需要有：{required}）。请检查表头后重新发送。",
    "row_no_name": "缺少姓名",
    "row_no_kind": "缺少户类型",
    "row_no_village": "缺少村名",
    "row_unknown_village": "找不到这个村的工作队群（请先在群里 /setup 村 村名）",
    "row_ambiguous_village": "有多个同名村，请填写乡镇和县",
    "cadre_usage": "用法：" + COMMAND_USAGE["cadre"],
    "roster_field_usage": "可以填写的台账字段：{fields}。例如：/me 性别 女（手机号请私聊我填写）",
    "roster_bad_identity": "驻村身份可选：{choices}",
    "roster_bad_dispatch_level": "派驻来源可选：{choices}",
    "roster_bad_unit_nature": "派出单位性质可选：{choices}",
    "roster_bad_post_level": "职务级别可选：{choices}",
    "roster_bad_gender": "性别请写：男 或 女",
    "roster_bad_retained": "请写：是 或 否",
    "roster_bad_village_type": "派驻村类型可选（可多选）：{choices}",
    "roster_bad_age": "年龄请写18到75之间的数字。",
    "roster_bad_phone": "手机号应为11位数字，例如：13800001111",
    "roster_bad_date": "派驻时间请写成 2023-07 或 2023-07-01。",
    "roster_too_long": "内容太长了（最多{limit}字）。",
    "roster_needs_group": "这一项是在某个工作队的信息，请在该工作队的群里填写。",
    "roster_name_taken": "台账里“{name}”已对应另一位成员，请先用 /me 设置不同的姓名，或请队长处理。",
    "phone_in_group": "手机号是个人信息，请私聊我填写：打开与我的私聊，发送 /me 手机号 138xxxxxxxx",
    "duplicate": "与第{row}行重复",
    "quiz_size": "题数请写{low}到{high}之间的数字，例如：/quiz 5（不写默认5题）。",
    "quiz_empty": "题库里没有可用的题目，请联系管理员检查 policies/quiz。",
    "rank_usage": "排行可选：/rank 本周、/rank 本月、/rank 总",
    "spotcheck_nobody": "本队还没有可以抽查的队员（队员需先在群里发过言）。",
    "leave_usage": "用法：/leave 天数 [开始日期] 事由，例如：/leave 2 回家看病，或 /leave 3 12-01 参加培训",
    "leave_bad_days": "请假天数请写1到{limit}之间的数字，例如：/leave 2 回家看病",
    "leave_unknown": "没有编号为 {number} 的请假。",
    "leave_decided": "请假 #{number} 已经审批过了。",
    "remind_usage": "用法：/remind 时间 内容。例如：\n" + "\n".join(REMIND_EXAMPLES),
    "remind_unparsed": "看不懂时间“{given}”。可以这样写：\n" + "\n".join(REMIND_EXAMPLES),
    "remind_bad_time": "时间“{given}”不对，请写成 24 小时制，例如 08:30、17:00。",
    "remind_bad_weekday": "“{given}”不对：星期只能是一到日，例如：每周一、每周三五。",
    "remind_bad_day": "“{given}”不对：每月只能是1日到31日（没有该日的月份不提醒）。",
    "remind_bad_date": "日期“{given}”不存在，请检查后重发，例如：12月1日 或 2026-12-01。",
    "remind_past": "时间 {when} 已经过去了，请设置一个将来的时间。",
    "remind_no_text": "请写上提醒的内容，例如：/remind 每周一 09:00 例会",
    "remind_too_long": "提醒内容太长了（最多{limit}字），请精简。",
    "unremind_usage": "用法：/unremind 编号，例如：/unremind 2（发送 /reminders 查看编号）",
    "reminder_unknown": "没有编号为 {number} 的提醒。发送 /reminders 查看。",
    "duplicate_row": "与前面的行重复",
}

# Reasons an imported row was rejected: codes from the services, shown in the report.
ROW_REASONS = {
    "household_bad_name": "户主姓名不对（最多10个字）",
    "household_needs_group": "已有同名户，请填写组别区分",
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
    "走访标准：{schedule}（{schedule_summary}）\n"
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

# --- households, visits, problems ----------------------------------------------------------------
HOUSEHOLD_CREATED = "已登记：{household}，{kind}。"
HOUSEHOLD_UPDATED = "已修改：{household}，{previous} → {kind}。"
HOUSEHOLD_UNCHANGED = "{household} 已经登记过了（{kind}），无需重复登记。"
HOUSEHOLD_REACTIVATED = "已恢复登记：{household}，{kind}。"
HOUSEHOLD_REMOVED = "已删除：{household}。以前的走访和问题记录仍然保留。"
HOUSEHOLD_RESPONSIBLE = "已指定 {household} 的帮扶责任人：{name}。"
HOUSEHOLDS_HEADER = "本村登记{count}户（{by_kind}）"
HOUSEHOLDS_FILTERED = "符合“{query}”的共{count}户"
HOUSEHOLDS_LINE = "{household}　{kind}{responsible}"
HOUSEHOLDS_RESPONSIBLE = "　责任人：{name}"
HOUSEHOLDS_EMPTY = "还没有登记农户。队长可以用 /household 户主姓名 户类型 逐户登记，或直接把户花名册 .xlsx 发到群里导入。"
LIST_MORE = "……另有{count}条，请加筛选条件查看。"

VISIT_RECORDED = "📝 已记录{mode}：{household}（{kind}），{day}。"
VISIT_MODE = {False: "走访", True: "电话回访"}
VISIT_PROBLEM = "⚠️ 已登记问题 #{number}，发送 /problems 查看。"
VISIT_DUPLICATE = "这条走访已经记录过了。"
VISIT_ATTACH_HINT = "如有照片或语音，15分钟内直接发送即可附到这条记录。"
VISIT_ATTACHED = "📎 已附到 {household} 的走访记录（{day}）。"
VISIT_UNKNOWN = "本村没有登记“{name}”。"
VISIT_SUGGEST = "您是不是要找下面这几户？点一下即可记录这条走访："
VISIT_REGISTER = "也可以把“{name}”登记为新户（队长）："
VISIT_CHOOSE_SAME_NAME = "本村有多户叫“{name}”，请选择："
VISIT_ASK_HOUSEHOLD = "请选择要{mode}的户，或直接发送户主姓名（发送“取消”退出）："
VISIT_ASK_NOTE = "请发送对 {household} 的{mode}内容（可写 #问题 或 诉求： 记录群众诉求；发送“取消”退出）："
VISIT_NO_HOUSEHOLDS = "本村还没有登记农户，请队长先用 /household 登记。"
VISIT_STALE = "这个按钮已失效：这条走访已记录或已取消，或不是您发起的。"
VISIT_ONLY_LEAD_REGISTERS = "只有队长可以登记新户。请联系队长：/household 户主姓名 户类型"
CANCELLED = "已取消。"
NOTHING_TO_CANCEL = "当前没有需要取消的操作。"
BUTTON_CANCEL = "取消"
BUTTON_REGISTER = "登记为{kind}"

PROBLEMS_HEADER = "问题清单：未办结{count}件"
PROBLEMS_LINE = "#{number} {household}：{text}（{age}天{assignee}）"
PROBLEMS_ASSIGNEE = "，责任人：{name}"
PROBLEMS_EMPTY = "目前没有未办结的问题 ✅"
PROBLEM_ASSIGNED = "问题 #{number} 已指派给 {name}。"
PROBLEM_CLOSED = "✅ 问题 #{number} 已销号：{resolution}"
PROBLEM_REOPENED = "问题 #{number} 已重新打开，请继续跟进。"

OVERDUE_HEADER = "逾期未走访（{schedule}）：共{count}户"
OVERDUE_PERSON = "【{name}】"
OVERDUE_NOBODY = "未指定责任人"
OVERDUE_LINE = "{household} {kind}：{rule}，{last}，逾期{days}天"
OVERDUE_LAST = "上次{day}"
OVERDUE_NEVER = "从未走访"
OVERDUE_NONE = "没有逾期未走访的户 ✅（{schedule}）"

IMPORT_DONE = "导入完成：新登记{created}户，更新{updated}户，未变{unchanged}户，退回{rejected}行。"
ROSTER_IMPORT_DONE = "台账导入完成：新增{created}人，更新{updated}人，退回{rejected}行。"
IMPORT_REJECTED_LINE = "第{row}行：{reason}"
IMPORT_IGNORED = "未使用的列：{columns}"

# --- quizzes ------------------------------------------------------------------------------------
QUIZ_INTRO = "📚 政策答题：{count}道题，{hours}小时内作答，点选项即可，每题以第一次作答为准。"
RANK_HEADER = "🏆 答题排行（{period}）"
RANK_PERIODS = {"week": "本周", "month": "本月", "all": "累计"}
RANK_LINE = "{place}. {name}：答对{correct}/{answered}题，平均{seconds}"
RANK_EMPTY = "{period}还没有人答题。队长可以发送 /quiz 发起答题。"
REVIEW_PRIVATE = "错题复习请私聊我发送 /review，不打扰群里。"
REVIEW_NONE = "没有答错的题，继续保持 👍"
REVIEW_ITEM = (
    "错题 {index}/{total}\n{question}\n"
    "您的答案：{chosen} ✗\n正确答案：{correct} ✓\n"
    "说明：{explanation}\n📖 {doc} · {section}\n{passage}"
)
REVIEW_NEXT = "下一题 ▶"
SPOTCHECK_INTRO = "📋 快问快答抽查：请 {names} 作答下面{count}道题，每题限时{seconds}秒。"
SPOTCHECK_REPORT_HEADER = "📋 {team} 快问快答结果（{day}，{count}道题）"
SPOTCHECK_REPORT_LINE = "{name}：答{answered}题，答对{correct}题"
SPOTCHECK_REPORT_ABSENT = "{name}：未作答"

# --- the pocket book ----------------------------------------------------------------------------
ASK_USAGE = "请在 /ask 后面写上问题，例如：/ask 脱贫户贷款最多能贷多少？"
ASK_DOC = "📖《{doc}》"
ASK_SOURCE = "（第{index}条依据，来源：{source}）"
ASK_MORE = "更多依据 ▶"
ASK_NO_MORE = "没有更多相关条文了。"
ASK_ASK_AGAIN = "请重新提问。"
ASK_ABSTAIN = (
    "口袋书（本县政策文件汇编）里没有找到能回答这个问题的条文，不能给您不准确的答案。\n"
    "建议咨询：乡镇党委或县驻村办（驻村管理）、县乡村振兴局（帮扶政策）、相关业务部门（社保、医保、教育等）。"
)
ASK_UNSURE = "⚠️ 这是口袋书里最接近的条文，但不一定直接回答了您的问题，请核对原文；拿不准的请咨询乡镇党委或县驻村办。"
ASK_ABSTAIN_PLACE = "口袋书只收录本县和上级的驻村帮扶文件，不含其他地区的规定。请咨询当地主管部门。"


def ask_abstain(reason: str | None) -> str:
    """Why the pocket book gives no answer, in the words a cadre reads ("place": another region)."""
    return ASK_ABSTAIN_PLACE if reason == "place" else ASK_ABSTAIN


# --- leave ------------------------------------------------------------------------------------------
LEAVE_REQUESTED = "📝 请假 #{number}：{name} 请假{days}天（{start}起），事由：{reason}\n按规定由{approvers}审批，请领导点下面的按钮。"
LEAVE_APPROVED = "✅ 请假 #{number}（{name}，{days}天）已批准。审批人：{by}"
LEAVE_REJECTED = "❌ 请假 #{number}（{name}，{days}天）未批准。审批人：{by}"
LEAVE_LEADERS_ONLY = "请假由领导审批，队员和队长不能点这个按钮。"
BUTTON_APPROVE = "批准"
BUTTON_REJECT = "驳回"

# --- sandbox (a terminal chat with the bot, no Telegram) ---------------------------------------------
SANDBOX_WELCOME = (
    "驻村助手 本地试用（不连接 Telegram）。您是“{name}”，在测试工作队群里，并且是管理员。\n"
    "直接输入消息即可，例如：打卡、/help、走访 张三 了解情况、/ask 请假三天要谁批？\n"
    "!私聊 内容　　在私聊里发送\n"
    "!以 姓名 内容　以另一位队员的身份发送\n"
    "!时间 2026-11-24 10:00　把时间拨到那一刻（到点的提醒会发出）\n"
    "Ctrl+D 退出。记录保存在 {db}。"
)
SANDBOX_POLL = "[投票] {question}：{options}"
SANDBOX_FILE = "[文件] {name}"
SANDBOX_BAD_TIME = "时间请写成 2026-11-24 10:00。"

# --- reminders ----------------------------------------------------------------------------------
NUDGE_CHECKIN = "⏰ {day}还未打卡：{names}。请在群里发送“打卡”或分享位置。"
NUDGE_NIGHT = "🌙 今晚还未记录住村：{names}。{night}后发送“打卡”即可记住村。"
REMIND_STUDY = "📖 本周集中学习提醒：驻村工作队每周至少组织一次集中学习（晋驻村办〔2022〕7号）。请队长安排时间和内容。"
REMIND_REPORT = "📝 工作汇报提醒：请向乡镇（街道）和派出单位汇报近期工作情况（每月至少2次）。"
REMINDER_FIRED = "⏰ 提醒 #{number}：{text}"
REMIND_SET = "已设置提醒 #{number}：{when}　{text}\n接下来：{times}"
REMIND_SET_ONCE = "已设置提醒 #{number}：{time}　{text}"
REMIND_WORKDAYS = "（遇法定节假日不提醒，调休上班日照常提醒）"
REMINDERS_HEADER = "本群的提醒（{count}条）："
REMINDERS_LINE = "#{number} {when}　{text}"
REMINDERS_EMPTY = "本群还没有提醒。队长可以发送：/remind 每周一 09:00 例会"
UNREMIND_DONE = "已删除提醒 #{number}：{text}"

# --- roster -------------------------------------------------------------------------------------
ROSTER_SENT = "台账已私信发给您（含手机号，请勿转发到群里）。"
ROSTER_CAPTION = "驻村干部信息备案台账（{teams}个工作队，{date}）"
ROSTER_NEED_PRIVATE = "请先点开与我的私聊并发送 /start，我才能把台账私信发给您；然后再发送 /roster。"
ROSTER_NO_TEAMS = "您还没有可以查看台账的工作队。"
ROSTER_FIELD_SET = "已填写 {field}：{value}"
ROSTER_FIELD_SET_TEAMS = "（{teams}个工作队的台账都已更新）"
CADRE_FIELD_SET = "已为 {name} 填写 {field}：{value}"

# --- summary ------------------------------------------------------------------------------------
SUMMARY_HEADER = "📊 {team} 周报 {week}（{start} 至 {end}）\n考勤规则：{rule}（本周应在村{days}天、住村{nights}夜）"
SUMMARY_LINE = "{mark} {name}：在村{days}天，住村{nights}夜{extra}"
SUMMARY_MAKEUP = "，补卡{count}天"
SUMMARY_FAR = "，位置待核实{count}天"
EXPORT_CAPTION = "📎 {team} 周报工作簿 {week}"
SUMMARY_FOOTER = "达标 {ok}/{total} 人"
SUMMARY_VISITS = "走访{total}次（{by_kind}）；问题：新增{opened}件，销号{closed}件，未办结{open}件"
SUMMARY_MEMBER_VISITS = "，走访{count}次"
SUMMARY_NO_MEMBERS = "本队还没有成员记录。"


def moment(value: datetime) -> str:
    return f"{value.month}月{value.day}日（周{weekday(value.date())}）{value:%H:%M}"


def duration(seconds: float) -> str:
    return f"{seconds:.0f}秒" if seconds < 60 else f"{seconds / 60:.1f}分钟"


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


def row_reason(code: str, details: dict[str, object]) -> str:
    """Why a spreadsheet row was rejected, from the service's code and details."""
    return ROW_REASONS.get(code) or invalid(code, **details)

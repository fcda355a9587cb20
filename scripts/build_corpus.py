#!/usr/bin/env python3
"""Build the policy "pocket book" corpus from the seed texts.

The seeds are plain text extracted from PDFs. This script splits them into
documents, removes layout artifacts only (hard line breaks, blank lines, page
numbers, stray spaces) and writes one Markdown file per document with a YAML
front matter block. Document characters are never changed, added or dropped.

Usage: python scripts/build_corpus.py [--seeds ../shared/seeds] [--out policies/corpus]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUT = REPO / "policies" / "corpus"

# "- 7 -", "-69-", "—12—": page numbers left by the PDF extraction.
PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s*\d+\s*[-—–－]\s*$")
TERMINAL = "。！？：；"
CLOSERS = "”’）)》」』】*"
HEADING = re.compile(
    r"^(?:#+\s*|\*\*)?(?:"
    r"[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|[（(]\d+[）)]"
    r"|\d+[.．、](?!\d)"
    r"|第[一二三四五六七八九十百]+[条章节]"
    r"|附件"
    r"|附\d*[:：]"
    r")"
)
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日(?:印发)?$")
# Lines narrower than this (in CJK character widths) end their paragraph: body
# lines of these PDFs are 24-29 wide, headings, titles and signatures narrower.
SHORT_WIDTH = 21.5
# Lines wider than this are whole paragraphs from the extraction, not printed lines.
MAX_LINE_WIDTH = 40
CELL_SEP = " | "
OUT_PATTERN = "*__[0-9][0-9].md"


@dataclass(frozen=True)
class Doc:
    start: str  # first line of the document (compared without whitespace)
    title: str
    title_lines: int = 1
    issuer: str = ""
    doc_no: str = ""
    date: str = ""  # ISO date; its Chinese form must occur in the text


@dataclass(frozen=True)
class Seed:
    region: str
    docs: tuple[Doc, ...]
    joins: tuple[tuple[str, int], ...] = ()  # (first line, line count) joined into one line
    breaks: tuple[str, ...] = ()  # lines that end a paragraph despite their width
    splits: tuple[str, ...] = ()  # "heading text" followed by a space and a paragraph
    blocks: tuple[str, ...] = ()  # layouts (tables, forms) written out row by row


# --- Per-seed configuration, from reading the seeds (see ../shared/DOMAIN.md) ---

NANYANG_REGION_TABLE = """\
片区名称 | 片长单位 | 副片长单位 | 县（市、区） | 县域联络组组长单位 | 成员单位
东片区 | 中国通号集团 | 省科学院、郑州大学第一附属医院、中原工学院、省退役军人事务厅、省文旅厅、省广播电视台、国家税务总局河南省税务局 | 社旗县 | 市人大办 | 市人大办、市医专、市经贸学校、市委编办、市商务局、市疾控中心、交通银行南阳分行、市卫健委、市税务局、市自然资源和规划局、南阳广播电视台
方城县 | 市发改委 | 市发改委、农发行南阳分行、市气象局、农信社南阳分行、河南工业职业技术学院、市农科院、市中级人民法院、邮政储蓄银行、宛北中专、南阳医专、南阳工业学校、南阳村镇银行、市第四人民医院、南阳宾馆、共青团南阳市委、市农业农村局、市文化广电和旅游局、市盐业公司
宛城区 | 市委宣传部 | 市委宣传部、市司法局、市公共资源交易中心、市市场监督管理局、市农业农村局、市财政局
卧龙区 | 市委统战部 | 市委统战部、市口腔医院、市城管局、中石化南阳分公司、南阳日报社、市招商投资促进局、市文联、市第三人民医院、市委宣传部、南阳市卧龙岗文化园建设发展服务中心
西片区 | 国务院研究室 | 南阳理工学院、省委组织部、省委老干部局、南阳师范学院、省药品监督管理局、省自然资源投资集团有限公司、河南工业大学 | 淅川县 | 市委办 | 市委办、市委老干部局、市委党校、市直工委、市中医院、市医保局、市市场监督管理局、市卫健体委、市文化广电和旅游局、市住建局、南阳市南水北调中线工程运行保障中心（市移民服务中心）
西峡县 | 市纪委监委 | 市纪委监委、农业银行南阳分行、市检察院、建设银行南阳分行、中原银行南阳分行、市科技局、市新华书店、市地方史志办公室、市无线电管理局
邓州市 | 市乡村振兴局 | 市乡村振兴局、市退役军人事务局、市政务服务和大数据中心、市金融工作局、南阳幼师、南水北调干部学院、河南油田
片区名称 | 片长单位 | 副片长单位 | 县（市、区） | 县域联络组组长单位 | 成员单位
南片区 | 中国证监会郑州商品交易所 | 省统计局地方经济社会调查队、河南水利投资集团有限公司、省林业局 | 桐柏县 | 市人社局 | 市人社局、市交通运输局、市骨科医院、市水利局、市林业局、市科协、市中医药发展局、市档案局、市供销社、市粮食局、市第六人民医院、市防爆集团
唐河县 | 市民政局 | 市民政局、市公路管理局、市眼科医院、市人防办、光大银行、南阳体校、市不动产登记服务中心、宛东中专、市文化艺术学校、市社科联、电信南阳分公司、市发改委、市教育局、张仲景博物院
新野县 | 市财政局 | 市财政局、市中信银行、市妇联、市人保财险、市统计局、市民生银行、市广播电视大学、市残联、市热力公司
北片区 | 中央党史和文献研究院 | 省药品监督管理局、中原豫资投资控股集团有限公司、华北石油局有限公司、河南中豫港务集团有限公司、省烟草局、省审计厅、省教育厅、国网河南省电力公司、省教育考试院 | 南召县 | 市政协办 | 市政协办、市应急管理局、市鸭管局、市总工会、南阳供电公司、南阳移动公司、市行政审批中心、市住房公积金中心、市地震局、郑州银行南阳分行、南阳农业职业学院、中国银行南阳分行、市教育局
内乡县 | 市委组织部 | 市委组织部、市中心医院、市审计局、宛西中专、市人行、市烟草局、市信访局、市银监局、市工信局、市农机局、市医专二附院、市人寿公司、市农业农村局
镇平县 | 市政府办 | 市政府办、市鸭河口发电公司、市公安局、中国南方航空有限公司南阳基地、市委政法委、市机关事务中心、市民宗委、市委党史研究室、市接待办公室、市监狱、中国邮政南阳市分公司、市政府办京（津）宛合作中心、南阳二机石油装备集团股份有限公司、市市场监督管理局、市税务局、市自然资源和规划局
"""

NANYANG_ROSTER = """\
序号 | 县（市、区） | 乡镇（街道） | 村（居、社区） | 派驻村类型 | 是否组建驻村工作队 | 驻村身份 | 姓名 | 性别 | 政治面貌 | 年龄 | 学历 | 派驻来源 | 派出单位及职务（职级） | 派出单位性质 | 职务级别 | 派驻时间 | 是否留任 | 手机号
1
2
"""

XIXIA_PROJECT_FLOWCHART = """\
1.安排部署巩固拓展脱贫攻坚成果和乡村振兴项目库建设工作
3.公示结束无异议后，向所在乡镇提交项目申请报告
2.村“两委”、村级脱贫责任组、第一书记和驻村工作队要认真分析本村贫困人口致贫原因和脱贫需求，在充分尊重贫困群众意愿的基础上，提出项目建设初步意见，组织召开村“两委”会或村民代表大会，确定申报项目，并在村内进行公示（≥10天）
4.乡镇召开专题会议对各村上报的项目进行讨论研究，形成会议纪要（结合本乡镇脱贫攻坚及乡村振兴规划）
5.在镇级脱贫攻坚专栏进行公示（≥10天）；公示无异议后，编报项目实施方案
6.实施方案报县级行业部门论证（对项目的科学性、合规性、可行性进行论证）
7.行业部门根据本行业项目定额标准，确定项目应支持的资金规模，拿出项目投资预算表，由财政投资评审核定投资额度
8.行业部门将论证后的项目以报告形式报县级乡村振兴局领导小组审核
9.就项目入库是否符合乡村振兴政策，项目要素是否齐备，项目内容是否细化到乡到村进行审核，合理确定项目库规模，审核修改完善后，汇总形成县级巩固拓展脱贫攻坚成果和乡村振兴项目库
10.将项目库提交乡村振兴领导小组审定
11.召开领导小组会议审定项目库，形成会议纪要
12.县级门户网站公示（≥10天），无异议后进行公告（≥10天）
13.上报省、市两级备案并录入系统
县级 | 村级 | 镇级 | 县级 | 县级 | 县级
"""

XIXIA_WARNING_PUSH_FORM = """\
单位名称（盖章）： | 分管领导签字： | 时间：年月日
注：户类型包括危房户、五保户、低保户、大病户、残疾户等等。
新增月份 | 乡镇 | 村别 | 姓名 | 与户主关系 | 证件号码 | 户类型
"""

XIXIA_WARNING_CHECK_FORM = """\
乡镇名称（盖章）： | 政府主抓领导签字： | 时间：年月日
注：注：户类型要与行业部门反馈的类型一致，如五保户、低保户、大病户、残疾户等等；一户存在多种类的，要全部填写。
排查月份 | 乡镇 | 村别 | 户主姓名 | 户类型 | 是/否符合监测户纳入条件 | 排查人姓名
"""

_TOWNS = (
    "丹水镇 田关镇 阳城镇 回车镇 五里桥镇 丁河镇 重阳镇 西坪镇 寨根乡 桑坪镇 "
    "石界河镇 米坪镇 军马河镇 双龙镇 二郎坪镇 太平镇"
).split()
XIXIA_PUBLICITY_TASKS = (
    "乡镇 | 内宣 | 党报（含电视台） | 主流媒体新闻网站及微信公众号\n"
    "信息（月任务） | 案例（年任务） | 中央级（年任务） | 省级（年任务） | 市级（年任务）"
    " | 中央级（年任务） | 省级（年任务） | 市级（年任务） | 年度积分任务（分）\n"
    + "".join(f"{town} | 1 | 2 | 1 | 3 | 4 | 1 | 3 | 4 | 168\n" for town in _TOWNS)
)

XIXIA_PUBLICITY_SCORES = """\
类别 | 分项 | 小项 | 分值
内宣 | 信息 | 报送计分（篇） | 0.5分
部分采用（篇） | 3分
全部使用（篇） | 5分
案例 | 上报（篇） | 2分
使用（篇） | 10分
外宣 | 党报（含电视台） | 中央级 | 40分
省级 | 20分
市级 | 10分
主流媒体新闻网站及微信公众号 | 中央级 | 8分
省级 | 4分
市级 | 2分
其他新媒体平台 | 中央级 | 1分
省级 | 0.5分
市级 | 0.25分
"""

XIXIA_PETITION_SCORES = """\
序号 | 考核项目 | 涉贫信访（舆情）评分标准 | 备注
1 | 转交案件 | 国家乡村振兴局转交案件1件扣0.6分，不定为重点交办件则扣0.3分；省乡村振兴局转交案件1件扣0.4分，不定为重点交办件则扣0.2分；市乡村振兴局转交案件一件扣0.2分，不定为重点交办件则扣0.1分；县乡村振兴局转交案件一件扣0.05分；市、县乡村振兴局涉贫信访案件如按期办结回访满意不予扣分，同一信访重复上访按照上访次数件累计扣分。（含舆情）
2 | 按期办结 | 按期办结的上访件，国家乡村振兴局转交案件1件扣0.4分，省乡村振兴局转交案件1件扣0.2分，市乡村振兴局转交案件1件扣0.1分，县乡村振兴局转交案件1件扣0.05分。（含舆情）
3 | 属实情况 | 案件办理结果与实际不符，按照国家乡村振兴局转交案件1件扣0.2分，省乡村振兴局转交案件1件扣0.1分，市乡村振兴局转交案件1件扣0.05分，信访人反映问题属实已解决为满意的或不属实则不扣分。（含舆情）
4 | 满意度 | 按照“五个百分之百”回访核查机制，办理结果群众评价“满意”的，在原有转交件扣分基础上加分（国访件加0.2分，省访件加0.1分），办理结果群众评价“不满意”的，则不进行加分。市级办理结果群众评价“不满意”的，扣0.05分。
5 | 日常管理 | 涉贫信访接访值班规范情况0.1分；县、乡值班电话定期在本乡镇（含所有村）公开情况0.1分；电话畅通情况0.1分；批转案件及时接收情况0.1分；案件台账建立规范情况0.1分，上报办结案件报告的质量0.1分。按照以上各项评分标准，平时掌握与定期抽查相结合，逐项打分。（含舆情）
6 | 特殊情况（加减分） | 加分项：工作创新，推广有典型经验做法的，召开县级现场会加1分、市级加2分、省级加3分、国家级加5分。减分项：1、因劝返接回工作不力，导致上访人员在京、省由走访转为非正常上访的，发生1起扣0.5分；发生因涉贫信访问题引发舆论负面炒作的，发生1起扣0.5分。2、市级及以上信访件，在各级督查暗访中出现问题，导致通报或扣分的。国家级扣0.5分、省级扣0.4分、市级扣0.3分、县级扣0.1分。
"""

XIXIA_VERIFIER_FORM = """\
推荐乡镇： | 姓名：
类别 | 上半年度 | 下半年度
名次： | 名次：
层级： | 层级：
核查质量高（1.5分/次）
县级核查天数（1分/天）
核查意见建议被采纳条数（1分/次）
出县参与核查天数（1分/天）
核查质量不达标（-1.5分/次）
迟到次数（-1分/次）
早退次数（-1分/次）
无故不参加会议或培训次数（-2分/次）
参加各级核查存在问题次数（-10/次）
合计
"""

SEEDS: dict[str, Seed] = {
    "000_697ccfad018c1f7f": Seed(
        region="南阳",
        docs=(
            Doc(
                start="南阳市定点帮扶“三个三”机制",
                title="南阳市定点帮扶“三个三”机制工作方案",
                title_lines=2,
                issuer="南阳市乡村振兴局办公室",
                date="2023-07-04",
            ),
        ),
        joins=(("市派定点帮扶单位季度考评加减分", 2),),
        blocks=(NANYANG_ROSTER, NANYANG_REGION_TABLE),
    ),
    "001_a6d754d3df061d1c": Seed(
        region="山西",
        docs=(
            Doc(
                start="山西省干部驻村工作领导小组办公室文件",
                title="关于进一步健全常态化驻村帮扶工作机制的实施意见",
                issuer="山西省干部驻村工作领导小组办公室",
                doc_no="晋驻村办〔2022〕7号",
                date="2022-06-28",
            ),
        ),
        breaks=(
            "山西省干部驻村工作领导小组办公室印发《关于进一步健全常态化驻村帮扶工作机制的实施意见》的通知",
            "关于进一步健全常态化驻村帮扶工作机制的实施意见",
        ),
    ),
    "002_eb0fb03377d3ce62": Seed(
        region="达川",
        docs=(
            Doc(
                start="中共达州市达川区委办公室文件",
                title="关于从严管理脱贫攻坚帮扶力量的通知",
                issuer="中共达州市达川区委办公室",
                doc_no="达川委办〔2017〕96号",
                date="2017-09-08",
            ),
        ),
    ),
    "003_7e411d84ebca0f2b": Seed(
        region="新丰",
        docs=(
            Doc(
                start="# 县委实施乡村振兴战略领导小组文件",
                title="关于做好乡村振兴驻镇帮镇扶村组结对帮扶工作的通知",
                issuer="县委实施乡村振兴战略领导小组",
                doc_no="新乡振组〔2021〕12号",
                date="2021-09-10",
            ),
        ),
    ),
    "004_d8d04ca7b901a77e": Seed(
        region="西峡",
        docs=(
            Doc(
                start="西峡县2022年巩固拓展脱贫攻坚成果同乡",
                title="西峡县2022年巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作要点",
                title_lines=2,
            ),
            Doc(
                start="西峡县2022年巩固拓展“双业”发展",
                title="西峡县2022年巩固拓展“双业”发展实施意见",
                title_lines=2,
            ),
            Doc(
                start="关于进一步加强金融帮扶工作的",
                title="关于进一步加强金融帮扶工作的实施意见",
                title_lines=2,
            ),
            Doc(
                start="2022年扶贫项目资产管理工作的意见",
                title="2022年扶贫项目资产管理工作的意见",
            ),
            Doc(
                start="关于进一步壮大提升脱贫村集体经济的",
                title="关于进一步壮大提升脱贫村集体经济的实施意见",
                title_lines=2,
            ),
            Doc(
                start="关于过渡期加强巩固脱贫成果衔接乡村振兴",
                title="关于过渡期加强巩固脱贫成果衔接乡村振兴项目库建设的指导意见",
                title_lines=2,
            ),
            Doc(
                start="关于进一步调整优化驻村帮扶工作的指导",
                title="关于进一步调整优化驻村帮扶工作的指导意见",
                title_lines=2,
            ),
            Doc(
                start="西峡县规范2022年防止返贫动态监测工作",
                title="西峡县规范2022年防止返贫动态监测工作实施方案",
                title_lines=2,
            ),
            Doc(
                start="西峡县2022年衔接资金项目实施方案",
                title="西峡县2022年衔接资金项目实施方案",
            ),
            Doc(
                start="西峡县2022年加强教育帮扶实现巩固脱贫",
                title="西峡县2022年加强教育帮扶实现巩固脱贫成果同乡村振兴有效衔接的实施意见",
                title_lines=2,
            ),
            Doc(
                start="西峡县2022年农村危房改造工作实施方案",
                title="西峡县2022年农村危房改造工作实施方案",
            ),
            Doc(
                start="西峡县2022年健康帮扶工作实施方案",
                title="西峡县2022年健康帮扶工作实施方案",
            ),
            Doc(
                start="西峡县2022年巩固医疗保障脱贫攻坚成果",
                title="西峡县2022年巩固医疗保障脱贫攻坚成果工作方案",
                title_lines=2,
            ),
            Doc(
                start="关于进一步加强信息宣传工作的实施方案",
                title="关于进一步加强信息宣传工作的实施方案",
            ),
            Doc(
                start="西峡县2022年度巩固脱贫攻坚成果",
                title="西峡县2022年度巩固脱贫攻坚成果考核评价办法",
                title_lines=2,
            ),
            # A covering notice ("关于印发《…》的通知") followed by the rules it issues.
            Doc(
                start="西峡县脱贫攻坚同乡村振兴衔接工作领导小组",
                title="西峡县涉贫信访和舆情工作考评办法",
                issuer="西峡县脱贫攻坚同乡村振兴衔接工作领导小组办公室",
                date="2022-03-16",
            ),
            Doc(
                start="西峡县2022年专业化核查队伍管理办法",
                title="西峡县2022年专业化核查队伍管理办法",
            ),
            Doc(
                start="西峡县村级协管员管理办法",
                title="西峡县村级协管员管理办法",
            ),
        ),
        joins=(
            ("县级巩固拓展脱贫攻坚成果和乡村振兴", 2),
            ("西峡县巩固拓展脱贫攻坚成果和乡村振兴项", 2),
            ("关于印发《西峡县涉贫信访和舆情工作考评办法》的", 2),
        ),
        breaks=("附：西峡县2022年专业化核查人员动态管理统计表",),
        splits=("一、指导思想",),
        blocks=(
            XIXIA_PROJECT_FLOWCHART,
            XIXIA_WARNING_PUSH_FORM,
            XIXIA_WARNING_CHECK_FORM,
            XIXIA_PUBLICITY_TASKS,
            XIXIA_PUBLICITY_SCORES,
            XIXIA_PETITION_SCORES,
            XIXIA_VERIFIER_FORM,
        ),
    ),
}


# --- Text helpers ---


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line))


def nonws(text: str) -> str:
    return "".join(text.split())


def _is_ascii(ch: str) -> bool:
    return ch < "\x80"


def _is_word(ch: str) -> bool:
    return _is_ascii(ch) and ch.isalnum()


def clean_spaces(text: str) -> str:
    """Strip a line and drop the spaces the extraction put between CJK text and CJK or latin/digits.

    Spaces between two latin/digit tokens or next to ASCII punctuation ("# 标题") stay.
    """
    text = text.strip()

    def keep(match: re.Match[str]) -> str:
        before = text[match.start() - 1]
        after = text[match.end()]
        cjk_before, cjk_after = not _is_ascii(before), not _is_ascii(after)
        artifact = (cjk_before and (cjk_after or _is_word(after))) or (cjk_after and _is_word(before))
        return "" if artifact else " "

    return re.sub(r"[ \t\u3000]+", keep, text)


def width(raw: str) -> float:
    """Printed width of a raw line in CJK characters (ASCII counts half)."""
    return sum(0.5 if _is_ascii(ch) else 1.0 for ch in raw.strip())


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINAL


def join_text(left: str, right: str) -> str:
    """Join two pieces of one paragraph; a line break between two ASCII words stays a space."""
    if left and right and _is_word(left[-1]) and _is_word(right[0]):
        return f"{left} {right}"
    return left + right


def first_difference(a: str, b: str) -> int:
    return next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def iso_to_chinese(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


@dataclass
class Line:
    raw: str
    text: str  # cleaned

    @property
    def key(self) -> str:
        return nonws(self.text)


def read_lines(path: Path) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if not raw.strip() or is_page_number(raw):
            continue
        lines.append(Line(raw=raw.strip(), text=clean_spaces(raw)))
    return lines


def parse_block(block: str) -> list[list[str]]:
    return [[clean_spaces(cell) for cell in row.split(CELL_SEP)] for row in block.strip("\n").split("\n")]


def block_key(rows: list[list[str]]) -> str:
    return nonws("".join("".join(row) for row in rows))


def render_row(cells: list[str]) -> str:
    cells = [clean_spaces(cell) for cell in cells]
    while cells and not cells[-1]:
        cells.pop()
    return CELL_SEP.join(cells)


# --- Document assembly ---


class BodyBuilder:
    """Turns the cleaned lines of one document into body lines (one paragraph per line)."""

    def __init__(self, seed: Seed, blocks: list[list[list[str]]]):
        self.seed = seed
        self.blocks = blocks  # shared across the seed's documents, consumed in order
        self.joins = {nonws(first): count for first, count in seed.joins}
        self.breaks = {nonws(text) for text in seed.breaks}
        self.out: list[str] = []
        self.buf = ""
        self.full: float | None = None  # usual printed line width of the document

    def flush(self) -> None:
        if self.buf:
            self.out.append(self.buf)
            self.buf = ""

    def emit(self, text: str) -> None:
        self.flush()
        if text:
            self.out.append(text)

    def build(self, lines: list[Line], title_lines: int) -> list[str]:
        self.full = full_width(lines)
        self.emit("".join(line.text for line in lines[:title_lines]))
        i = title_lines
        while i < len(lines):
            i = self.step(lines, i)
        self.flush()
        return self.out

    def step(self, lines: list[Line], i: int) -> int:
        line = lines[i]
        if self.blocks and block_key(self.blocks[0]).startswith(line.key):
            return self.take_block(lines, i)
        if line.key in self.joins:
            count = self.joins[line.key]
            self.emit("".join(item.text for item in lines[i : i + count]))
            return i + count
        if "\t" in line.raw:
            self.emit(render_row(line.raw.split("\t")))
            return i + 1
        for heading in self.seed.splits:
            if line.raw.startswith(heading) and line.raw[len(heading) : len(heading) + 1].isspace():
                self.emit(heading)
                # Keep the printed line for width checks: the paragraph runs on.
                line = Line(raw=line.raw, text=line.text[len(heading) :])
                break
        text = line.text
        standalone = text.startswith("#") or bool(DATE_LINE.match(text))
        if HEADING.match(text) or standalone:
            self.flush()
        first = not self.buf
        self.buf = join_text(self.buf, text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (
            standalone
            or (ends_sentence(text) and not self.runs_on(line, nxt, first))
            or width(line.raw) < SHORT_WIDTH
            or line.key in self.breaks
            or (nxt is not None and DATE_LINE.match(nxt.text))
        ):
            self.flush()
        return i + 1

    def runs_on(self, line: Line, nxt: Line | None, first: bool) -> bool:
        """A sentence ending at the right margin continues if the next line is not indented.

        First lines of paragraphs are indented by two characters in the PDFs, so a
        next line printed at full width belongs to the same paragraph. Unclear
        widths keep the break.
        """
        if self.full is None or nxt is None or "\t" in nxt.raw:
            return False
        if HEADING.match(nxt.text) or nxt.text.startswith("#") or DATE_LINE.match(nxt.text):
            return False
        here, there = width(line.raw), width(nxt.raw)
        top = self.full + 2.5
        margin = self.full - 1 - (2 if first else 0)
        if not margin <= here <= top:
            return False
        # "；" separates clauses; a paragraph ending in it is followed by a numbered item.
        return line.text.rstrip(CLOSERS).endswith("；") or self.full - 0.5 <= there <= top

    def take_block(self, lines: list[Line], i: int) -> int:
        rows = self.blocks.pop(0)
        want = block_key(rows)
        got = ""
        j = i
        while len(got) < len(want) and j < len(lines):
            got += lines[j].key
            j += 1
        if got != want:
            at = first_difference(got, want)
            raise ValueError(
                f"table starting {lines[i].text!r} does not match the seed at char {at}: "
                f"seed {got[max(0, at - 20) : at + 20]!r} vs table {want[max(0, at - 20) : at + 20]!r}"
            )
        self.flush()
        self.out.extend(render_row(row) for row in rows)
        return j


def full_width(lines: list[Line]) -> float | None:
    """The usual width of a printed body line of a document, if it has printed lines."""
    counts: dict[int, int] = {}
    for line in lines:
        w = width(line.raw)
        if (
            SHORT_WIDTH <= w < MAX_LINE_WIDTH
            and not ends_sentence(line.text)
            and not HEADING.match(line.text)
        ):
            counts[round(w)] = counts.get(round(w), 0) + 1
    if sum(counts.values()) < 10:
        return None
    return float(max(sorted(counts), key=lambda w: counts[w]))


def split_docs(lines: list[Line], docs: tuple[Doc, ...]) -> list[list[Line]]:
    starts = []
    pos = 0
    for doc in docs:
        key = nonws(doc.start)
        idx = next((k for k in range(pos, len(lines)) if lines[k].key == key), None)
        if idx is None:
            raise ValueError(f"document start not found: {doc.start!r}")
        starts.append(idx)
        pos = idx + 1
    if starts[0] != 0:
        raise ValueError(f"text before the first document: {lines[0].text!r}")
    bounds = starts + [len(lines)]
    return [lines[bounds[k] : bounds[k + 1]] for k in range(len(docs))]


def check_metadata(doc: Doc, body: str) -> None:
    flat = nonws(body)
    for name in ("title", "issuer", "doc_no"):
        value = getattr(doc, name)
        if value and nonws(value) not in flat:
            raise ValueError(f"{name} {value!r} does not occur in its document")
    if doc.date and nonws(iso_to_chinese(doc.date)) not in flat:
        raise ValueError(f"date {doc.date} does not occur in {doc.title!r}")


def front_matter(doc: Doc, region: str, source: str) -> str:
    fields = {
        "title": doc.title,
        "issuer": doc.issuer,
        "doc_no": doc.doc_no,
        "date": doc.date,
        "region": region,
        "source": source,
    }
    # JSON strings are valid YAML double-quoted scalars.
    rows = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(rows) + "\n---\n"


def render_seed(path: Path) -> list[tuple[str, str]]:
    """Return (file name, file text) for each document of one seed file."""
    seed = SEEDS.get(path.stem)
    if seed is None:
        raise ValueError(f"no configuration for seed {path.name}; add it to SEEDS")
    lines = read_lines(path)
    blocks = [parse_block(block) for block in seed.blocks]
    files = []
    for number, (doc, doc_lines) in enumerate(
        zip(seed.docs, split_docs(lines, seed.docs), strict=True), start=1
    ):
        body_lines = BodyBuilder(seed, blocks).build(doc_lines, doc.title_lines)
        body = "\n".join(body_lines) + "\n"
        check_metadata(doc, body)
        files.append((f"{path.stem}__{number:02d}.md", front_matter(doc, seed.region, path.name) + body))
    if blocks:
        raise ValueError(f"{path.name}: table not found: {blocks[0][0]!r}")
    return files


def build(seeds_dir: Path, out_dir: Path) -> list[Path]:
    """Write one Markdown file per document of every seed; return the paths written."""
    seed_paths = sorted(Path(seeds_dir).glob("*.txt"))
    if not seed_paths:
        raise FileNotFoundError(f"no seed files in {seeds_dir}")
    rendered = [item for path in seed_paths for item in render_seed(path)]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(OUT_PATTERN):
        stale.unlink()
    written = []
    for name, text in rendered:
        target = out_dir / name
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="directory of seed .txt files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    written = build(args.seeds, args.out)
    print(f"wrote {len(written)} documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The policy pocket book: answer cadres' questions with the documents' own words and their source.

Free of aiogram and of the database. `PocketBook.load` reads the corpus (`policies/corpus/*.md`),
the domain dictionary (`policies/userdict.txt`) and the synonym list (`policies/synonyms.txt`)
once; `ask` is pure CPU afterwards (a few milliseconds per question).

Method
------
* Passages. Each document body is parsed into a heading path (一、 / （一） / 1. / （1） /
  第X条 / 附件; a marked line with "；" or "，" is a list item, not a heading; "（一）走访经常化。
  正文……" starts with its heading) and blocks of body lines under one heading. Lines are cut
  into sentences at 。！？；, table rows are units of their own (a row with fewer cells than the
  header inherits the cells the rows above it span). One retrieval unit per sentence; what the
  cadre is shown is that sentence with its neighbours in the block, about 160 characters and never
  more than 300, cut at sentence boundaries around the answering sentence.
* Words. jieba in search mode (long words also give their dictionary sub-words) with the domain
  dictionary, on a private `jieba.Tokenizer`, so the process-wide jieba is left alone.
* Ranking. BM25F, written out below: fields sentence (weight 1), neighbouring sentences, heading
  path with the list's lead-in and the table header, document title, and the sentence's character
  bigrams (robust when jieba cuts a phrase differently in question and document), each
  length-normalised and combined before the BM25 saturation. The question is read as concepts
  (its content words after question words, yes-no frames and place names are removed); a concept
  scores by its best representation in a unit - the word, its dictionary sub-words, its bigrams,
  its digits ("五户" -> "5户"), or, at a lower weight, the document words the synonym list gives
  for the colloquial phrase - so a long word does not count many times over. A named region
  (山西; 南阳; 达川, 达州; 新丰, 韶关; 西峡; 河南, 四川, 广东 for their regions) multiplies its
  documents' scores; a question asking for an amount of money, a frequency, a date or a count
  favours sentences holding one; headings count a little less. The head of the list is re-ranked
  by coverage squared: the share of the question's informative words (idf-weighted) present in
  the shown text, heading path or title, a word counting as present when one of its synonyms is.
* Known questions. `policies/expansions/<document>.jsonl` lists, per sentence, questions it
  answers in a cadre's words ("小额信贷最多能贷多少？" for "原则上5万元（含）以下……"), written from
  the documents ahead of time (doc2query). They enter the ranking twice: as one more BM25F field
  of their sentence, and each as a small document of its own, the closest one (boosted when it
  asks for the same kind of answer) adding to its sentence's score. Their words also count, at a
  lower share, towards the coverage of their sentence. The documents' own words set the idf (a
  word only the known questions use takes theirs) and decide which question words count as known
  to the documents.
* Encoder. A small dual encoder over bags of n-grams, trained on the known questions
  (`semantic`, `policies/encoder.json.gz`), re-orders the head of the list once the decision to
  answer is made, and lends a question word half coverage in a passage it puts that word close to.
* Abstention. No answer (empty passages) when the question names a place the documents do not
  cover (another province or city; not where someone works or trains: "在北京打工" reads as
  省外), when the best passage's score is below a floor, when a logistic model gives odds below a
  threshold that the best passage answers (it reads the passage's coverage, the largest question
  word it lacks, how close the nearest known question comes and the encoder's cosines; without
  the encoder, the coverage alone has a threshold), when the question names a
  region and the best passage is another region's, when an amount of money is asked for and
  neither the best passage nor a close runner-up states one, or when a number is asked for ("保修
  几年", "保额是多少"; not a list: "哪几种") and neither the best passage nor a close runner-up
  shows one (a runner-up must show a number of what is asked: "10天" for "几天"; in words, "三级"
  for "几级" counts too). In the coverage, a
  word the documents never use counts fully when it is rare in general Chinese (jieba's own
  dictionary frequency: "党费", "驾照" - a topic the documents lack) and half when it is common
  ("拿", "下去" - colloquial filler).
* Known gaps. `policies/known_gaps.jsonl` lists questions cadres ask that the documents do not
  answer ("公益岗一个月工资多少": the documents pay 协管员, not 公益岗), written from the documents
  beside an answerable twin that looks alike. They are indexed with the known questions. No answer
  when the question is closer to a known gap than to any known question, the gap holds most of
  its words, and among them a word the best passage lacks (the gap explains what is missing), and
  the question holds nearly all of the gap's words and names no other place (a gap that adds
  "2023年", "非" or "达州" to the question is another question).

Why no retrieval library: the corpus is ~1,900 sentences, so an inverted index over precomputed
BM25F contributions answers in well under a millisecond in pure Python. `bm25s` (maintained,
fast) would bring numpy and scipy for no speed needed here, and scores a bag of query tokens: no
field weighting, no per-concept "best representation", no per-word coverage, which is where the
accuracy comes from; `rank_bm25` scores every document for every term and is unmaintained;
scikit-learn's TF-IDF is not BM25 and is a large dependency. The scoring is ~40 lines below.

The built index is cached as JSON, written by orjson (ten times faster than the standard library
on these 7 MB, which keeps a first start after an edit within two seconds), not pickle (nothing in
a cache file is ever executed), with a SHA-256 checksum, under a name that hashes the corpus, the
user dictionary, jieba's version, this module's source and the index parameters. A missing,
unreadable, corrupt or malformed cache is rebuilt; a cache that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import heapq
import itertools
import json
import logging
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bot.services import semantic

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO / "policies" / "corpus"
DEFAULT_USERDICT = REPO / "policies" / "userdict.txt"
DEFAULT_SYNONYMS = REPO / "policies" / "synonyms.txt"
DEFAULT_EXPANSIONS = REPO / "policies" / "expansions"
DEFAULT_ENCODER = REPO / "policies" / "encoder.json.gz"
DEFAULT_GAPS = REPO / "policies" / "known_gaps.jsonl"
DEFAULT_CACHE_DIR = REPO / "data" / "cache"

MAX_CHARS = 300
INDEX_VERSION = 2


@dataclass(frozen=True)
class Passage:
    text: str  # exactly what the cadre is shown, at most 300 characters
    doc: str  # document title
    section: str  # heading path, e.g. "三、工作重点 > （一）继续加强脱贫人口小额信贷工作"
    source: str  # seed file name from the front matter
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    passages: list[Passage]  # best first; empty when abstained
    reason: str | None = None  # why there is no answer ("place", "score", "number"...); None when answered
    unsure: bool = False  # answered, but the answer model doubts the passage answers directly

    @property
    def abstained(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class Params:
    """Ranking and abstention parameters (tuned on half A of tests/data/ask_dev.jsonl)."""

    # BM25F over the fields of a sentence
    k1: float = 1.2
    b: float = 0.5
    w_core: float = 1.0  # the sentence itself
    w_ctx: float = 0.3  # the sentences before and after it
    w_head: float = 0.5  # heading path, lead-in ("……如下："), table header
    w_title: float = 0.2  # document title
    w_bigram: float = 0.3  # character bigrams of the sentence (robust to different word cuts)
    w_asked: float = 0.25  # questions the sentence answers, as cadres word them (policies/expansions)
    # the question
    w_synonym: float = 0.6  # a synonym's weight relative to the typed word
    w_single: float = 0.5  # a one-character word's weight (in the score and in the coverage)
    # adjustments
    heading_factor: float = 0.8  # a heading holds the topic, seldom the answer
    region_boost: float = 2.0  # a named region's documents score (1 + this) times more
    type_boost: float = 0.25  # a sentence holding the kind of answer asked for (amount, date...)
    money_boost: float = 0.3  # and more when an amount of money is asked for and the sentence has one
    coverage_power: float = 2.0  # re-rank the head of the list by score x coverage^power
    rerank_depth: int = 30
    coverage_asked: float = 0.75  # a word only in the questions a sentence answers counts this share
    coverage_encoder: float = 0.5  # ... a word the encoder puts close to the passage, this share
    coverage_encoder_cos: float = 0.3  # ... close: this cosine or more
    w_qq: float = 0.3  # weight of the closest known question's score (policies/expansions)
    w_semantic: float = 2.0  # the learned encoder's cosine, in units of the best score (policies/encoder.json.gz)
    # abstention: whether the best passage answers at all
    min_score: float = 2.0  # never below this score
    # With the encoder, a logistic model reads five signals (ANSWER_SIGNALS); its weights are
    # fitted by scripts/fit_answer_model.py (`make answer-model`) on half A, sets C and T and the
    # known gaps, and the threshold was chosen on sets H and J (tests/data/README.md).
    answer_model: tuple[float, ...] = (-9.702, 7.282, 0.725, 0.679, 3.096, 2.672)  # intercept, then per signal
    min_answer_odds: float = 0.03  # answer when the model's odds are at least this
    # Below these odds an answer is given as unsure, and the reply says so: on A, C, H, J and half A
    # of K, 10% of the answerable questions answered and half of the unanswerable ones answered.
    sure_odds: float = 0.3
    min_coverage: float = 0.45  # without the encoder (or a model): answer when the coverage is this or more
    region_check: bool = True  # abstain when the best passage is not from the region named
    money_check: bool = True  # abstain when an amount of money is asked for and the answer has none
    runner_up_window: int = 5  # ... unless one of the first this many passages has one (money or number)
    runner_up_ratio: float = 0.5  # ... and scores at least this share of the best
    number_check: bool = True  # abstain when a number is asked for ("几年", "多少") and the answer shows none
    gap_ratio: float = 1.2  # abstain when a known gap scores this many times the closest known question
    gap_coverage: float = 0.7  # ... holds this share of the question's words
    gap_reverse: float = 0.85  # ... and the question holds this share of the gap's words
    topic_idf: float = 12.0  # an unknown word rarer than this in general Chinese (jieba's idf) is a topic
    filler_weight: float = 0.5  # an unknown common word weighs this share of the rarest known word
    # display
    context_chars: int = 160  # neighbours shown around the answering sentence, within MAX_CHARS


# --------------------------------------------------------------------------------------------
# Regions

# Corpus regions (front matter `region`) and the words that name them in a question.
REGION_WORDS: dict[str, tuple[str, ...]] = {
    "山西": ("山西", "晋"),
    "南阳": ("南阳",),
    "达川": ("达川", "达州"),
    "新丰": ("新丰", "韶关"),
    "西峡": ("西峡",),
}
# Provinces of the corpus regions: naming one steers to its regions.
PROVINCE_REGIONS: dict[str, tuple[str, ...]] = {
    "河南": ("南阳", "西峡"),
    "四川": ("达川",),
    "广东": ("新丰",),
}
# Places the documents do not cover: a question about them is not answered. ("外省"/"省外" is
# not one: the documents speak of 省外务工, labour gone out of the province.)
OTHER_PLACES = (
    "北京 天津 上海 重庆 河北 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 湖北 湖南 海南 贵州 云南 "
    "陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 郑州 成都 广州 深圳 太原 杭州 武汉 长沙 "
    "西安 南京 济南 合肥 福州 南昌 昆明 贵阳 兰州 西宁 银川 乌鲁木齐 拉萨 南宁 海口 石家庄 沈阳 长春 "
    "哈尔滨 呼和浩特 国外"
).split()

PLACE_SUFFIX = re.compile(
    "(?:" + "|".join(sorted({w for ws in REGION_WORDS.values() for w in ws} | set(PROVINCE_REGIONS), key=len, reverse=True))
    + ")(?:省|市|县|区)?"
)
OTHER_PLACE_PATTERN = re.compile("(?:" + "|".join(sorted(OTHER_PLACES, key=len, reverse=True)) + ")(?:省|市|县|区|地区)?")
# "儿子在北京打工", "去郑州培训", "去广东电子厂干了8个月": where someone works or studies, not
# whose rules are asked about (the documents have rules for labour gone out of the county or the
# province). Read as "省外", unless the place is a city of a province the documents come from.
CORPUS_PROVINCE_CITIES = frozenset("郑州 成都 广州 深圳 太原".split())
DESTINATION = re.compile(
    r"(?<=[去到在赴往])(?:" + OTHER_PLACE_PATTERN.pattern + "|(?:" + "|".join([*PROVINCE_REGIONS, "山西"]) + ")省?)"
    + r"(?=(?:那边|那里|那儿|这边)?的?.{0,4}?(?:打工|务工|上班|就业|培训|上学|读书|念书|求学|做工|干(?!部)|进厂))"
)

# --------------------------------------------------------------------------------------------
# Question words

STOPWORDS = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 么 嘛 哦 哈 是 不 没 没有 有没有 有 要 要不要 得 地 能 能不能 可以 可不可以 会 都 还 就 也 又 和 与 及
    或 或者 在 这 那 这个 那个 这边 那边 这里 那里 这些 那些 我 我们 你 你们 他 她 他们 咱 咱们 自己 大家 人家 怎么 怎么办
    怎样 怎么样 咋 咋办 咋整 啥 什么 哪 哪些 哪个 哪儿 哪里 谁 多少 几 几个 多久 多长 多长时间 如何 为什么 为啥 一下 一个
    一些 一次 现在 今年 目前 是不是 对不对 需要 应该 必须 还是 然后 如果 的话 给 让 被 把 对 向 从 到 跟 按 按照 以 以上 以下 里 上 下
    中 内 外 后 前 时 时候 之前 之后 以前 以后 最 最多 最少 最低 最高 最长 最短 最迟 最晚 最早 最多能 还要 还能 多 少 大 小 好 去 来 做 干 搞 弄 算 说 问 想 看 看看 知道 请问 一般 具体
    怎么弄 怎么搞 哪几种 哪几个 几种 几项 个 次 这样 那样 可 才 再 已经 只 只能 该 么样 吗吗 能否 是否 有无 情况 东西 事
    """.split()
)

# An amount of money is asked for: a money word shortly before "多少"/"几" that is not followed by
# another unit ("贷几年", "给多少分"), or a money word with "标准"/"起付线"/"额度".
MONEY_ASK = re.compile(
    r"多少钱|几块钱|多少块|多少元|多少万"
    r"|(?:钱|工资|薪|补助|补贴|奖补|奖金|津贴|费|贷|资金|收入|收益|补|领|拿|报销)[^，,。？?！!]{0,6}"
    r"(?<!哪)(?:多少|几)(?![年天日次回趟遍轮批届期个月周分人户篇岁名项条件套种类样])"
    r"|(?:多少|几)[^，,。？?！!]{0,3}(?:钱|费|收益|收入|工资|补助|补贴|资金|奖金)"
    r"|(?:工资|补助|补贴|奖补|费|贷款|收入)(?:标准|额度|起付线|上限)"
)
FREQ_ASK = re.compile(r"多久|多长时间|几次|几趟|几回|多少次|频率|隔多|每.{0,2}几")
WHEN_ASK = re.compile(r"啥时候|什么时候|何时|哪天|几号|几月|截止|最迟|最晚|之前|期限|几天内|多少天内|多久内|几个工作日")
COUNT_ASK = re.compile(r"几|多少|比例|占比|百分之|上限|下限|多大|多高|多长")
# A number asked for, not a list ("哪几种", "几个方面" ask for the items).
NUMBER_ASK = re.compile(r"(?<!哪)(?:几|多少)(?![种类项个方面样])|比例|占比|百分之")
COUNTED = re.compile(r"[\u4e00-\u9fff]")  # the word right after 几/多少: what is counted

MONEY_TEXT = re.compile(r"\d[\d.,，]*\s*(?:万元|千元|亿元|元)|[一二三四五六七八九十百千万两]+元|上不封顶|免费|全额|\d\s*[%％]")
FREQ_TEXT = re.compile(r"每[天日周月年半季两三四五六七八九十]|每个?(?:月|季度|年|周|学期)|\d+\s*(?:次|天|日|个月|年|周)|[一二三四五六七八九十两]次")
WHEN_TEXT = re.compile(r"\d+\s*月|\d+\s*日|月底|年底|月末|季度末|年末|之前|以前|日前|前完成|工作日|天内|日内")
CN_NUMERAL = "[一二三四五六七八九十两百千万]"
NUMBER_TEXT = re.compile(rf"\d|{CN_NUMERAL}+(?:个|名|人|户|次|天|年|月|项|类|种|条|篇|分|倍|星)|%|％")

KIND_BITS = {"money": 1, "freq": 2, "when": 4, "count": 8}
KIND_TEXT = {"money": MONEY_TEXT, "freq": FREQ_TEXT, "when": WHEN_TEXT, "count": NUMBER_TEXT}
MONEY_IN_SENTENCE = 16
MONEY_SHOWN = 32
NUMBER_SHOWN = 64
CANDIDATES = 60  # units ranked per question (the rest cannot reach the three shown)
EMPTY_POSTING: tuple[list[int], list[float]] = ([], [])


def _compact(text: str) -> str:
    """Normalised, without whitespace: how questions are read."""
    return "".join(_normalise(text).split())


def asked_kinds(question: str) -> tuple[str, ...]:
    """The kinds of answer a question asks for: "money", "freq", "when", "count"."""
    asks = {"money": MONEY_ASK, "freq": FREQ_ASK, "when": WHEN_ASK, "count": COUNT_ASK}
    return tuple(kind for kind, pattern in asks.items() if pattern.search(question))


def _kind_bits(kinds: tuple[str, ...]) -> int:
    bits = 0
    for kind in kinds:
        bits |= KIND_BITS[kind]
    return bits


def _kind_flags(sentence: str, shown: str) -> int:
    flags = 0
    for kind, pattern in KIND_TEXT.items():
        if pattern.search(sentence):
            flags |= KIND_BITS[kind]
    if MONEY_TEXT.search(sentence):
        flags |= MONEY_IN_SENTENCE
    if MONEY_TEXT.search(shown):
        flags |= MONEY_SHOWN
    if NUMBER_TEXT.search(shown):
        flags |= NUMBER_SHOWN
    return flags


# --------------------------------------------------------------------------------------------
# Corpus parsing

HEADING = re.compile(
    r"^(?:"
    r"(?P<l1>[一二三四五六七八九十]+、)"
    r"|(?P<l2>[（(][一二三四五六七八九十]+[）)])"
    r"|(?P<l3>\d+[.．、](?!\d))"
    r"|(?P<l4>[（(]\d+[）)])"
    r"|(?P<chapter>第[一二三四五六七八九十百]+章)"
    r"|(?P<article>第[一二三四五六七八九十百]+条)"
    r"|(?P<annex>附件\s*\d*|附\d*[:：])"
    r")"
)
ARTICLE = re.compile(r"^第[一二三四五六七八九十百]+条")
CHAPTER_MAX = 12
LEVELS = {"annex": 0, "chapter": 1, "l1": 1, "l2": 2, "article": 3, "l3": 3, "l4": 4}
LIST_LEVELS = {2, 3, 4}  # （一） / 1. / （1） also number the items of lists
SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")
CLAUSE_END = "，、：:,"
SENTENCE_END = "。！？；!?;"
INLINE_HEADING_MAX = 30  # "（一）走访经常化。驻村干部要……": the first sentence is the heading
ARTICLE_TITLE_MAX = 16  # "第五条选派对象及数量。……" has a title; "第三条各乡镇有专职协管员的村……。" has not
HEADING_LINE_MAX = 50
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日(?:印发)?$")
CELL_SEP = " | "
CELL_JOIN = " "  # how table cells are shown: whitespace, as in the printed document


def _clean(text: str) -> str:
    return text.replace("**", "").strip()


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a corpus file into its front matter (`key: "json string"` lines) and body."""
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    meta: dict[str, str] = {}
    for row in head.split("\n"):
        key, _, value = row.partition(": ")
        try:
            meta[key.strip()] = str(json.loads(value))
        except ValueError:
            meta[key.strip()] = value.strip().strip('"')
    return meta, body


def _split_sentences(paragraph: str) -> list[str]:
    parts = [s for s in SENTENCE.findall(paragraph) if s]
    # Fold pieces without any word character (a stray "。" or "”") into the previous sentence.
    out: list[str] = []
    for part in parts:
        if out and not re.search(r"\w", part):
            out[-1] += part
        else:
            out.append(part)
    return out


@dataclass
class _Block:
    """Consecutive body lines (or table rows) under one heading path."""

    doc: int
    section: str
    sentences: list[str] = field(default_factory=list)
    new_line: list[bool] = field(default_factory=list)  # sentence i starts a line of its own
    leads: list[str] = field(default_factory=list)  # the lead-in ("……如下：") sentence i follows
    table: bool = False
    header: str = ""  # a table's first row, shown and indexed as context
    headings: set[int] = field(default_factory=set)  # sentences that are headings
    full_row: list[str] = field(default_factory=list)  # the last table row with every cell

    def add_heading(self, line: str) -> None:
        self.add_line([line])
        self.headings.add(len(self.sentences) - 1)

    def add_row(self, cells: list[str]) -> None:
        """A table row. A row with fewer cells than the header continues the cells the rows
        above it span ("省级 | 20分" under "外宣 | 党报（含电视台） | 中央级 | 40分"): those
        are indexed with it, as a lead-in."""
        width = self.header.count(CELL_JOIN) + 1
        if len(cells) >= width or not self.full_row:
            self.full_row = cells
        inherited = self.full_row[: max(0, width - len(cells))] if cells is not self.full_row else []
        self.sentences.append(CELL_JOIN.join(cells))
        self.new_line.append(True)
        self.leads.append(CELL_JOIN.join(inherited))

    def add_line(self, sentences: list[str], new_line: bool = True) -> None:
        lead = self.leads[-1] if self.leads and not self.table else ""
        for k, sentence in enumerate(sentences):
            self.sentences.append(sentence)
            self.new_line.append(k == 0 and new_line)
            self.leads.append(lead)
            if sentence.rstrip("”’」』）)").endswith(("：", ":")):
                lead = sentence


PUNCT_HEADING_BREAKERS = set("。；;，,：:！？!?")


def parse_document(body: str, meta: dict[str, str], doc: int = 0) -> list[_Block]:
    """Cut a document body into blocks of sentences, each with its heading path.

    A line that starts with a heading marker is a heading when it has no punctuation that ends
    or joins clauses ("（三）实行蓝、黄、红三色管理"); a heading that ends in "：" introduces the
    items below it; "（一）走访经常化。驻村干部要……" starts with a heading sentence; other marked
    lines ("4.发放各种奖金津贴和福利补助；") are list items, i.e. body text. Headings are
    retrievable passages themselves and, on the heading path, context for what follows.
    """
    skip = {meta.get(k, "") for k in ("title", "doc_no", "issuer")} - {""}
    stack: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    lines = [_clean(line) for line in body.split("\n")]
    caption = ""
    current: _Block | None = None
    item_levels: set[int] = set()  # marker levels used by list items (body lines) lately

    def path(*extra: str) -> str:
        return " > ".join([h for _, h in stack] + [e for e in extra if e])

    def push(level: int, heading: str) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        for lv in [lv for lv in item_levels if lv >= level]:
            item_levels.discard(lv)

    for i, line in enumerate(lines):
        if not line or line in skip or DATE_LINE.match(line) or not re.search(r"\w", line):
            continue
        is_row = CELL_SEP in line
        m = None if is_row else HEADING.match(line)
        if m:
            level = LEVELS[m.lastgroup or "l1"]
            first = _split_sentences(line)[0]
            body_punct = PUNCT_HEADING_BREAKERS & set(line.rstrip("。"))
            short = len(line) <= HEADING_LINE_MAX
            lead = short and line.endswith(("：", ":")) and len(first) == len(line)
            # The last item of a list ("（4）参与县外核查（每天加1分）") often lacks the "；" of
            # its siblings: a line at a level list items use is an item, not a heading.
            if (short and not body_punct and level not in item_levels) or lead:
                # A heading on its own line (or an article that introduces a list): it opens
                # a block, so that what is shown for it is the heading and the text below it.
                push(level, line.rstrip("。：:"))
                current = _Block(doc, path())
                blocks.append(current)
                current.add_heading(line)
                caption = ""
                continue
            rest = line[len(first) :]
            inline_max = ARTICLE_TITLE_MAX if m.lastgroup == "article" else INLINE_HEADING_MAX
            if len(first) <= inline_max and rest and first.endswith("。") and level not in item_levels:
                # "（一）走访经常化。正文……": the heading starts the paragraph.
                push(level, first.rstrip("。"))
                current = _Block(doc, path())
                blocks.append(current)
                current.add_heading(first)
                current.add_line(_split_sentences(rest), new_line=False)
                caption = ""
                continue
            if m.lastgroup in ("article", "chapter"):
                # "第一条为……": an article is its own section even when it has no title.
                push(level, m.group(0))
                current = _Block(doc, path())
                blocks.append(current)
                current.add_line(_split_sentences(line))
                caption = ""
                continue
            if level in LIST_LEVELS:
                item_levels.add(level)
        if is_row:
            cells = [c.strip() for c in line.split(CELL_SEP)]
            if current is None or not current.table:
                current = _Block(doc, path(caption), table=True, header=CELL_JOIN.join(cells))
                blocks.append(current)
            current.add_row(cells)
            continue
        short = len(line) <= HEADING_LINE_MAX and not (PUNCT_HEADING_BREAKERS & set(line[:-1]))
        following = next((x for x in lines[i + 1 :] if x), "")
        if short and len(line) <= CHAPTER_MAX and not PUNCT_HEADING_BREAKERS & set(line) and ARTICLE.match(following):
            # "总则", "考核管理": a chapter title (its "第X章" lost) before the articles.
            push(LEVELS["chapter"], line)
            current = _Block(doc, path())
            blocks.append(current)
            current.add_heading(line)
            caption = ""
            continue
        if current is not None and current.table and short:
            current.add_line([line])  # a row with a single cell ("1", "合计")
            continue
        if short and i + 1 < len(lines) and CELL_SEP in lines[i + 1] and not line.endswith("。"):
            caption = line  # the title of the table below
            current = None
            continue
        if current is None or current.table:
            current = _Block(doc, path())
            blocks.append(current)
            caption = ""
        current.add_line(_split_sentences(line))
    return blocks


# --------------------------------------------------------------------------------------------
# Dictionaries


@dataclass(frozen=True)
class SynonymRule:
    patterns: tuple[str, ...]  # colloquial phrases; "…" stands for up to six characters
    words: tuple[str, ...]  # document words
    regex: re.Pattern[str] = field(compare=False, repr=False, default=re.compile(r"(?!)"))


def parse_synonyms(text: str) -> list[SynonymRule]:
    rules: list[SynonymRule] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=>" not in line:
            continue
        left, _, right = line.partition("=>")
        patterns = tuple(p for p in ("".join(x.split()) for x in left.split("|")) if p)
        words = tuple(right.split())
        if not patterns or not words:
            continue
        regex = re.compile("|".join(".{0,6}".join(map(re.escape, p.split("…"))) for p in patterns))
        rules.append(SynonymRule(patterns, words, regex))
    return rules


def parse_userdict(text: str) -> list[tuple[str, int | None, str | None]]:
    entries: list[tuple[str, int | None, str | None]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


@functools.lru_cache(maxsize=4)
def make_tokenizer(userdict_entries: tuple[tuple[str, int | None, str | None], ...] = ()) -> Any:
    """A private jieba tokenizer with the user words, initialised now (jieba's ~0.5 s dictionary
    load happens here). One per user dictionary and process: it is only read once built."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict..." lines are debug noise
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in userdict_entries or ():
        tokenizer.add_word(_normalise(word), freq, tag)  # text is cut normalised ("D级" -> "d级")
    return tokenizer


# Full-width digits and letters to ASCII, capitals to small, ①-⑨ to 1-9 (the documents write
# "20天", cadres may type "２０天"): one character for one, so positions hold in the original.
_NORMALISE = str.maketrans(
    {
        **{0xFF10 + k: str(k) for k in range(10)},
        **{0xFF21 + k: chr(ord("a") + k) for k in range(26)},
        **{0xFF41 + k: chr(ord("a") + k) for k in range(26)},
        **{ord("A") + k: chr(ord("a") + k) for k in range(26)},
        **{0x2460 + k: str(k + 1) for k in range(9)},
    }
)


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE)


WORD = re.compile(r"\w")
RUN = re.compile(r"\w+")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+(?=[个名人户天日年月周次篇分倍套元万千件条项岁期届趟回遍夜])")


def _cn_value(numeral: str) -> int | None:
    total, digit = 0, None
    for ch in numeral:
        if ch in CN_DIGITS:
            if digit is not None:
                return None  # "三五" and the like: not a number
            digit = CN_DIGITS[ch]
        elif ch == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        elif ch == "百":
            total += (digit if digit is not None else 1) * 100
            digit = None
    return total + (digit or 0)


def cn_to_digits(text: str) -> str:
    """"请两天假" -> "请2天假": Chinese numerals before a measure word, as the documents' digits."""

    def repl(m: re.Match[str]) -> str:
        value = _cn_value(m.group(0))
        # "一" is mostly "a" or "per" in speech ("一年要去几次"), not the number the documents write.
        return str(value) if value and value > 1 else m.group(0)

    return CN_NUMBER.sub(repl, text)


def cut_words(tokenizer: Any, text: str) -> list[str]:
    """jieba search-mode words of `text`, lower-cased, without punctuation or spaces."""
    return [w.lower() for w in tokenizer.cut_for_search(text) if WORD.search(w)]


def char_bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of word characters, marked so they never meet a word."""
    out: list[str] = []
    for run in RUN.findall(text.lower()):
        out.extend("§" + run[k : k + 2] for k in range(len(run) - 1))
    return out


# --------------------------------------------------------------------------------------------
# Index


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the index is some 400,000 small acyclic lists and
    floats, which it would walk again and again while they are made (a tenth of the build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _hash_inputs(corpus_files: list[Path], userdict: Path, params: Params) -> str:
    import jieba

    h = hashlib.sha256()
    index_params = {k: v for k, v in asdict(params).items() if k in INDEX_PARAMS}
    h.update(f"v{INDEX_VERSION} jieba {jieba.__version__} {json.dumps(index_params, sort_keys=True)}".encode())
    h.update(Path(__file__).read_bytes())  # the code that builds the index
    for path in [*corpus_files, userdict]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    # The synonyms and the query-side parameters do not enter the index.
    return h.hexdigest()[:32]


INDEX_PARAMS = ("k1", "b", "w_core", "w_ctx", "w_head", "w_title", "w_bigram", "w_asked", "context_chars")


def sentence_key(sentence: str) -> str:
    """A sentence without whitespace: how an expansion line finds its sentence."""
    return "".join(sentence.split())


MAX_ASKED_CHARS = 40


def _jsonl_fields(
    text: str, where: str, fields: tuple[str, ...], problems: list[str]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Per non-blank JSON line: its number and the values of `fields`; a line that is not such an
    object is reported in `problems` as "where:line: reason" and left out."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            values = tuple(row[f] for f in fields)
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{where}:{number}: not a {{{', '.join(fields)}}} object ({exc})")
            continue
        yield number, values


def _is_question(question: Any) -> bool:
    return isinstance(question, str) and 0 < len(question.strip()) <= MAX_ASKED_CHARS


def parse_expansions(
    text: str, where: str, sentences: set[str] | None = None
) -> tuple[dict[str, list[str]], list[str]]:
    """`{"sentence": ..., "questions": [...]}` lines: the questions each sentence answers (by
    `sentence_key`), and what is wrong in the lines left out, as "where:line: reason".

    With `sentences` (the document's sentence keys), a line naming another sentence is wrong too.
    """
    asked: dict[str, list[str]] = defaultdict(list)
    problems: list[str] = []
    for number, (sentence, questions) in _jsonl_fields(text, where, ("sentence", "questions"), problems):
        key = sentence_key(sentence) if isinstance(sentence, str) else ""
        if not key or (sentences is not None and key not in sentences):
            problems.append(f"{where}:{number}: not a sentence of the document: {sentence!r}")
        elif not isinstance(questions, list) or not questions:
            problems.append(f"{where}:{number}: no questions")
        elif not all(map(_is_question, questions)):
            problems.append(f"{where}:{number}: a question is empty or longer than {MAX_ASKED_CHARS} characters")
        else:
            asked[key].extend(questions)
    return dict(asked), problems


def parse_gaps(text: str, where: str) -> tuple[list[str], list[str]]:
    """`{"question": ..., "why": ...}` lines (the why is for people): questions the documents do
    not answer, and what is wrong in the lines left out, as "where:line: reason"."""
    gaps: list[str] = []
    problems: list[str] = []
    for number, (question,) in _jsonl_fields(text, where, ("question",), problems):
        if _is_question(question):
            gaps.append(question)
        else:
            problems.append(f"{where}:{number}: the question is empty or longer than {MAX_ASKED_CHARS} characters")
    return gaps, problems


def expansion_problems(corpus_dir: Path, expansions_dir: Path) -> list[str]:
    """What is wrong in the expansion files (empty when all is well).

    A line must name a sentence of its document exactly as the index cuts it (so a corpus edit
    that changes the sentence shows up here) and give questions of at most 40 characters.
    """
    problems: list[str] = []
    corpus = {path.stem: path for path in Path(corpus_dir).glob("*.md")}
    for path in sorted(Path(expansions_dir).glob("*.jsonl")):
        if path.stem not in corpus:
            problems.append(f"{path.name}: no corpus document {path.stem}.md")
            continue
        meta, body = parse_front_matter(corpus[path.stem].read_text(encoding="utf-8"))
        sentences = {sentence_key(s) for block in parse_document(body, meta) for s in block.sentences}
        problems += parse_expansions(path.read_text(encoding="utf-8"), path.name, sentences)[1]
    return problems


def encoder_fingerprint(corpus_dir: Path, userdict: Path, expansions: Path | None) -> str:
    """The fingerprint an encoder trained on these documents and known questions carries."""
    corpus_files = sorted(Path(corpus_dir).glob("*.md"))
    asked = [Path(expansions) / f"{path.stem}.jsonl" for path in corpus_files] if expansions else []
    return semantic.fingerprint([*corpus_files, *(path for path in asked if path.exists()), Path(userdict)])


def _build_index(
    docs_meta: list[dict[str, str]],
    blocks: list[_Block],
    asked: list[dict[str, list[str]]],
    gaps: list[str],
    tokenizer: Any,
    params: Params,
) -> dict[str, Any]:
    """Units (sentences, table rows, headings) with what is shown for them, and BM25F postings.

    `asked[doc]` maps a sentence of document `doc` to questions it answers (an extra field).
    `gaps` are questions no sentence answers; they join the known questions' own index with the
    unit -1 - (their number).
    """
    units: list[list[Any]] = []  # [doc, section, sentence, shown, is heading]
    asked_text: list[str] = []  # per unit: its questions, for the coverage check
    asked_unit: list[int] = []  # per known question: its unit
    asked_bits: list[int] = []  # ... and the kinds of answer it asks for
    asked_tokens: list[tuple[list[str], ...]] = []  # ... and its words and bigrams
    fields_tokens: list[tuple[list[str], ...]] = []
    title_tokens = [cut_words(tokenizer, _normalise(m.get("title", ""))) for m in docs_meta]
    memo: dict[str, list[str]] = {}

    def words(text: str) -> list[str]:
        if text not in memo:
            memo[text] = cut_words(tokenizer, _normalise(text))
        return memo[text]

    for block in blocks:
        sents = block.sentences
        toks = [words(s) for s in sents]
        head_base = words(block.section) + (words(block.header) if block.table and block.header else [])
        for i, sentence in enumerate(sents):
            if not WORD.search(sentence):
                continue
            shown = _window(block, i, params.context_chars)
            ctx = (toks[i - 1] if i > 0 else []) + (toks[i + 1] if i + 1 < len(sents) else [])
            head = head_base + (words(block.leads[i]) if block.leads[i] else [])
            questions = asked[block.doc].get(sentence_key(sentence), [])
            for question in questions:  # each also a small document of its own (below)
                asked_unit.append(len(units))
                asked_bits.append(_kind_bits(asked_kinds(_compact(question))))
                asked_tokens.append((words(question), char_bigrams(_normalise(question))))
            units.append([block.doc, block.section, sentence, shown, int(i in block.headings)])
            asked_text.append(_normalise("".join(questions)))
            fields_tokens.append(
                (
                    toks[i],
                    ctx,
                    head,
                    title_tokens[block.doc],
                    char_bigrams(_normalise(sentence)),
                    [w for q in questions for w in words(q)],
                )
            )

    for k, gap in enumerate(gaps):
        asked_unit.append(-1 - k)
        asked_bits.append(0)
        asked_tokens.append((words(gap), char_bigrams(_normalise(gap))))
    weights = (params.w_core, params.w_ctx, params.w_head, params.w_title, params.w_bigram, params.w_asked)
    # The documents' own words set the vocabulary and the idf; a word only the known questions
    # use takes its idf from them.
    df = _document_frequencies([f[:-1] for f in fields_tokens])
    asked_df = _document_frequencies([f[-1:] for f in fields_tokens])
    postings = _bm25f_postings(fields_tokens, weights, asked_df | df, params)
    # Each question a sentence answers is also a small document of its own: a cadre's question
    # close to one of them as a whole points at that sentence.
    asked_postings = _bm25f_postings(asked_tokens, (1.0, params.w_bigram), _document_frequencies(asked_tokens), params)
    return {
        "units": units,
        "asked": asked_text,
        "postings": postings,
        "df": df,
        "asked_df": asked_df,
        "n": len(units),
        "asked_unit": asked_unit,
        "asked_bits": asked_bits,
        "asked_postings": asked_postings,
        "gaps": [_normalise(gap) for gap in gaps],
    }


def _document_frequencies(docs_fields: list[tuple[list[str], ...]]) -> dict[str, int]:
    df: dict[str, int] = defaultdict(int)
    for f in docs_fields:
        for term in dict.fromkeys(itertools.chain(*f)):  # (first-seen order: a reproducible cache file)
            df[term] += 1
    return dict(df)


def _bm25f_postings(
    docs_fields: list[tuple[list[str], ...]], weights: tuple[float, ...], df: dict[str, int], params: Params
) -> dict[str, tuple[list[int], list[float]]]:
    """BM25F: per term, the documents holding it and each one's saturated, idf-weighted score."""
    n = len(docs_fields)
    avg = [max(1e-9, sum(len(f[k]) for f in docs_fields) / max(1, n)) for k in range(len(weights))]
    idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
    postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    k1 = params.k1
    for doc_id, f in enumerate(docs_fields):
        tf: dict[str, float] = defaultdict(float)
        for k, weight in enumerate(weights):
            if not weight:
                continue
            share = weight / (1 - params.b + params.b * len(f[k]) / avg[k])
            for term, c in Counter(f[k]).items():
                tf[term] += share * c
        for term, t in tf.items():
            ids, contributions = postings[term]
            ids.append(doc_id)
            contributions.append(round(idf[term] * t * (k1 + 1) / (t + k1), 5))
    return dict(postings)


def _window(block: _Block, i: int, budget: int) -> str:
    """The text shown for sentence i: it and its neighbours in the block, at most MAX_CHARS.

    Neighbours are added (next, then previous, alternately) while the whole stays within
    `budget` characters; a table row also gets the table's header row when it fits.
    """
    sents = block.sentences
    lo, hi = i, i + 1
    size = len(sents[i])
    grow = True
    while grow:
        grow = False
        if hi < len(sents) and size + len(sents[hi]) <= budget:
            size += len(sents[hi])
            hi += 1
            grow = True
        if lo > 0 and size + len(sents[lo - 1]) <= budget:
            size += len(sents[lo - 1])
            lo -= 1
            grow = True
    pieces: list[str] = []
    start = end = 0
    for k in range(lo, hi):
        if k > lo and block.new_line[k]:
            pieces.append("\n")
        if k == i:
            start = sum(len(p) for p in pieces)
            end = start + len(sents[k])
        pieces.append(sents[k])
    text = "".join(pieces)
    if block.table and block.header and lo > 0 and len(text) + len(block.header) + 1 <= MAX_CHARS:
        text = block.header + "\n" + text
        start, end = start + len(block.header) + 1, end + len(block.header) + 1
    return _cut(text, start, end)


def _cut(text: str, start: int, end: int, limit: int = MAX_CHARS) -> str:
    """At most `limit` characters of `text` around the answering sentence text[start:end].

    Whole sentences (or lines) around it are kept while they fit. A sentence longer than the
    limit on its own is cut after its last clause that fits and marked with "…".
    """
    if len(text) <= limit:
        return text
    if end - start > limit:
        piece = text[start : start + limit - 1]
        cut = max(piece.rfind(c) for c in CLAUSE_END + SENTENCE_END)
        return (piece[: cut + 1] if cut >= limit // 2 else piece) + "…"
    marks = SENTENCE_END + "\n"
    lo, hi = start, end
    grew = True
    while grew:
        grew = False
        nxt = next((k + 1 for k in range(hi, len(text)) if text[k] in marks), len(text))
        if nxt > hi and nxt - lo <= limit:
            hi, grew = nxt, True
        prv = next((k + 1 for k in range(lo - 2, -1, -1) if text[k] in marks), 0)
        if prv < lo and hi - prv <= limit:
            lo, grew = prv, True
    return text[lo:hi].strip("\n")


# --------------------------------------------------------------------------------------------
# The engine


QUESTION_WORD = re.compile(r"^(?:几|多少|哪|啥|什么|怎么|怎样|咋|多久|多长|多大|多高|多远|为何|为啥|是否|能否|可否|有没有|是不是|要不要|能不能|可不可以)")
# "能不能报考……", "是不是每个季度……": the frame of a yes-no question carries no content.
QUESTION_FRAME = re.compile(
    r"能不能|可不可以|可以不可以|行不行|是不是|要不要|有没有|会不会|需不需要|用不用|给不给|算不算|该不该|够不够|对不对|还能不能"
)
MODAL_CHARS = set("能要得想还会就都也被把给让的了着过吗呢")


def _destination(m: re.Match[str]) -> str:
    place = m.group(0)
    if any(place.startswith(city) for city in CORPUS_PROVINCE_CITIES):
        return "，" * len(place)
    return "省外" + "，" * (len(place) - 2)


def _content_words(token: str, vocabulary: dict[str, int]) -> list[str]:
    """The content words in one precise-mode token of a question (none for question words).

    jieba's dictionary glues modal characters onto neighbours ("能领", "假要", "要交"); when such
    a word is not in the documents, the modal character is dropped.
    """
    if token in STOPWORDS or not WORD.search(token) or QUESTION_WORD.match(token):
        return []
    if token not in vocabulary and len(token) >= 2:
        kept = "".join(ch for ch in token if ch not in MODAL_CHARS)
        if kept != token:
            return [kept] if kept and kept not in STOPWORDS and WORD.search(kept) else []
    return [token]


# What the answer model reads about the best passage: the share of the question's words it holds;
# the largest word it lacks (by idf, a share of the rarest); how close the nearest known question
# comes (its score per unit of the question's idf); the encoder's cosine for it; and the best
# cosine at the head of the list.
ANSWER_SIGNALS = ("coverage", "missing", "known", "cosine", "best_cosine")


def answer_odds(model: tuple[float, ...], signals: tuple[float, ...]) -> float:
    """The odds that a passage answers, by a logistic model: (intercept, weight per signal)."""
    return math.exp(model[0] + sum(w * x for w, x in zip(model[1:], signals, strict=True)))


@dataclass
class _Concept:
    """One thing the question is about: a word the cadre typed, or a phrase a synonym rule read.

    A passage scores for a concept by its best representation (the word itself, its shorter
    dictionary words, its character bigrams, its synonyms), so a long word cut into many pieces
    does not count many times over.
    """

    word: str
    typed: bool  # the cadre typed it (else only a synonym rule read it from the question)
    reps: list[tuple[float, list[tuple[str, float]]]]  # (weight, [(index term, share)])
    covers: set[str]  # strings whose presence in a passage means the concept is there
    idf: float = 0.0  # its weight in the coverage check (set once the question is read)
    grams: tuple[str, ...] = ()  # character bigrams for partial coverage of a long word
    vector: list[float] | None = None  # the encoder's reading of the word, for partial coverage


@dataclass
class _Query:
    concepts: list[_Concept]
    regions: set[str]
    foreign: bool
    money: bool
    kinds: tuple[str, ...]  # "money", "freq", "when", "count"
    number: bool  # a number is asked for (not a list of items)
    text: str = ""  # the question as read (normalised, no whitespace)
    counted: re.Pattern[str] | None = None  # a number of what is asked ("几级" -> 级): how a passage states it
    asked_scores: dict[int, float] = field(default_factory=dict)  # per known question or gap (set by _rank)

    def terms(self) -> set[str]:
        return {t for c in self.concepts for _, rep in c.reps for t, _ in rep}


class PocketBook:
    """The searchable corpus. Build it with `load` (or `default_pocketbook()`), then `ask`."""

    def __init__(
        self,
        index: dict[str, Any],
        docs: list[dict[str, str]],
        synonyms: list[SynonymRule],
        tokenizer: Any,
        params: Params,
        encoder: semantic.QuestionEncoder | None = None,
    ) -> None:
        self.params = params
        self._encoder = encoder
        self._docs = docs
        self._units: list[list[Any]] = index["units"]
        self._postings: dict[str, tuple[list[int], list[float]]] = index["postings"]
        self._asked_unit: list[int] = index["asked_unit"]
        self._asked_bits: list[int] = index["asked_bits"]
        self._asked_postings: dict[str, tuple[list[int], list[float]]] = index["asked_postings"]
        self._gaps: list[str] = index["gaps"]
        self._df: dict[str, int] = index["df"]
        self._vocabulary = index["asked_df"] | self._df  # every indexed word
        self._n: int = index["n"]
        self._synonyms = synonyms
        self._tokenizer = tokenizer
        self._max_idf = math.log(1 + (self._n + 0.5) / 0.5)
        self._region_of_unit = [docs[unit[0]].get("region", "") for unit in self._units]
        # What coverage looks for words in: shown text, heading path, title; and, at a lower
        # share, the questions the sentence answers.
        self._plain = [_normalise(f"{unit[3]}{unit[1]}{docs[unit[0]].get('title', '')}") for unit in self._units]
        self._asked_text: list[str] = index["asked"]
        # Per unit: the score factor that does not depend on the question, and which kinds of
        # answer the sentence (and the text shown for it) holds.
        self._factor = [params.heading_factor if unit[4] else 1.0 for unit in self._units]
        self._flags = [_kind_flags(unit[2], unit[3]) for unit in self._units]
        self._unit_vectors = [
            encoder.unit_vector(semantic.unit_key(docs[unit[0]].get("title", ""), unit[1], unit[2])) if encoder else None
            for unit in self._units
        ]

    # -- loading

    @classmethod
    @_gc_paused()
    def load(
        cls,
        corpus_dir: Path,
        userdict: Path,
        synonyms: Path,
        *,
        expansions: Path | None = None,
        encoder: Path | None = None,
        gaps: Path | None = None,
        cache_dir: Path | None = None,
        params: Params | None = None,
    ) -> PocketBook:
        """Read the corpus and dictionaries and build (or load the cached) index.

        `expansions` is a directory of `<corpus file stem>.jsonl` files: questions that
        sentences answer, as cadres word them (a broken line is logged and skipped).
        `gaps` is a `.jsonl` file of questions the documents do not answer (likewise).
        `cache_dir=None` builds every time; otherwise the index is cached there as JSON, keyed by
        a hash of the inputs. Any problem with the cache only means building afresh.
        """
        params = params or Params()
        corpus_dir, userdict, synonyms = Path(corpus_dir), Path(userdict), Path(synonyms)
        files = sorted(corpus_dir.glob("*.md"))
        if not files:
            raise FileNotFoundError(f"no corpus documents (*.md) in {corpus_dir}")
        userdict_entries = parse_userdict(userdict.read_text(encoding="utf-8"))
        rules = parse_synonyms(synonyms.read_text(encoding="utf-8"))
        docs: list[dict[str, str]] = []
        bodies: list[str] = []
        for path in files:
            meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
            meta.setdefault("title", path.stem)
            meta.setdefault("source", path.name)
            meta.setdefault("region", "")
            docs.append(meta)
            bodies.append(body)
        tokenizer = make_tokenizer(tuple(userdict_entries))
        # Each document's known questions, when there are any.
        asked_files = [Path(expansions) / f"{path.stem}.jsonl" if expansions else None for path in files]
        asked_files = [path if path and path.exists() else None for path in asked_files]
        gaps_file = Path(gaps) if gaps and Path(gaps).exists() else None
        question_encoder = (
            semantic.QuestionEncoder.load(Path(encoder), encoder_fingerprint(corpus_dir, userdict, expansions))
            if encoder
            else None
        )

        cache_file = None
        if cache_dir is not None:
            inputs = [*files, *(path for path in (*asked_files, gaps_file) if path)]
            cache_file = Path(cache_dir) / f"pocketbook-{_hash_inputs(inputs, userdict, params)}.json"
        index = _read_cache(cache_file) if cache_file else None
        if index is not None:
            try:
                return cls(index, docs, rules, tokenizer, params, question_encoder)
            except Exception as exc:  # noqa: BLE001 - a cache that does not fit: build afresh
                log.warning("pocket-book cache %s does not fit (%s); rebuilding", cache_file, exc)
        blocks = [b for d, body in enumerate(bodies) for b in parse_document(body, docs[d], d)]
        asked: list[dict[str, list[str]]] = []
        for path in asked_files:
            questions, problems = parse_expansions(path.read_text(encoding="utf-8"), str(path)) if path else ({}, [])
            for problem in problems:
                log.warning("skipped: %s", problem)
            asked.append(questions)
        gap_questions, problems = parse_gaps(gaps_file.read_text(encoding="utf-8"), str(gaps_file)) if gaps_file else ([], [])
        for problem in problems:
            log.warning("skipped: %s", problem)
        index = _build_index(docs, blocks, asked, gap_questions, tokenizer, params)
        if cache_file:
            _write_cache(cache_file, index)
            for stale in cache_file.parent.glob("pocketbook-*.json"):
                if stale != cache_file:
                    try:
                        stale.unlink()
                    except OSError:
                        pass
        return cls(index, docs, rules, tokenizer, params, question_encoder)

    @property
    def size(self) -> int:
        """The number of indexed units (sentences, table rows, headings)."""
        return len(self._units)

    def encoder_units(self) -> list[tuple[str, int, str, str]]:
        """Per unit, for training the encoder: its key in the encoder file, its document's index
        (in corpus file order), its sentence, and the text the passage side reads."""
        return [
            (semantic.unit_key(self._docs[doc].get("title", ""), section, sentence), doc, sentence, f"{sentence}{section}")
            for doc, section, sentence, _shown, _heading in self._units
        ]

    # -- questions

    def _representation(self, word: str) -> list[tuple[str, float]]:
        """Index terms for a word: itself when indexed, else its search-mode pieces, shared."""
        if word in self._vocabulary:
            return [(word, 1.0)]
        pieces = [
            w
            for w in dict.fromkeys(cut_words(self._tokenizer, word))
            if w in self._vocabulary and w not in STOPWORDS and (len(w) > 1 or w.isdigit())
        ]
        return [(w, 1.0 / len(pieces)) for w in pieces]

    def _parse_question(self, question: str) -> _Query:
        q = _compact(question)
        masked = DESTINATION.sub(_destination, q)
        regions: set[str] = set()
        for region, names in REGION_WORDS.items():
            if any(w in masked for w in names):
                regions.add(region)
        for province, regs in PROVINCE_REGIONS.items():
            if province in masked:
                regions.update(regs)
        masked = PLACE_SUFFIX.sub(lambda m: "，" * len(m.group(0)), masked)
        masked = QUESTION_FRAME.sub(lambda m: "，" * len(m.group(0)), masked)
        foreign = any(place in masked for place in OTHER_PLACES)
        masked = OTHER_PLACE_PATTERN.sub(lambda m: "，" * len(m.group(0)), masked)

        p = self.params
        concepts: list[_Concept] = []
        spans: list[tuple[_Concept, int, int]] = []
        pos = 0
        for token in self._tokenizer.cut(masked):
            start, pos = pos, pos + len(token)
            for word in _content_words(token, self._vocabulary):
                if any(c.word == word for c in concepts):
                    continue
                digits = cn_to_digits(word)
                weight = p.w_single if len(word) == 1 else 1.0
                reps: list[tuple[float, list[tuple[str, float]]]] = []
                for form in dict.fromkeys((word, digits)):
                    whole = self._representation(form)
                    if whole:
                        reps.append((weight, whole))
                    pieces = [
                        w
                        for w in dict.fromkeys(cut_words(self._tokenizer, form))
                        if w != form and w in self._vocabulary and (len(w) > 1 or form != word or w.isdigit())
                    ]
                    if len(pieces) > 1:
                        reps.append((weight, [(w, 1.0 / len(pieces)) for w in pieces]))
                    grams = list(dict.fromkeys(char_bigrams(form)))
                    if p.w_bigram and grams:
                        reps.append((weight * p.w_bigram, [(g, 1.0 / len(grams)) for g in grams]))
                concept = _Concept(word, True, reps, {word, digits})
                concepts.append(concept)
                spans.append((concept, start, pos))
        for rule in self._synonyms:
            for m in rule.regex.finditer(masked):
                targets = [(w, self._representation(_normalise(w))) for w in rule.words]
                targets = [(w, rep) for w, rep in targets if rep]
                hit = [c for c, start, end in spans if start < m.end() and m.start() < end]
                if not hit:
                    hit = [_Concept(m.group(0), False, [], set())]
                    concepts.append(hit[0])
                for concept in hit:
                    for w, rep in targets:
                        concept.reps.append((p.w_synonym, rep))
                        concept.covers.add(_normalise(w))
        concepts = [c for c in concepts if c.reps or c.typed]
        for c in concepts:
            c.idf = self._concept_idf(c) * (p.w_single if len(c.word) == 1 else 1.0)  # "发" counts less than "养老金"
            c.covers.discard("")
            if c.typed and len(c.word) >= 3:
                c.grams = tuple(c.word[k : k + 2] for k in range(len(c.word) - 1))
            if c.idf and self._encoder and p.coverage_encoder:
                c.vector = self._encoder.encode(self.encoder_features(c.word))

        kinds = asked_kinds(q)
        number = NUMBER_ASK.search(q)
        counted = COUNTED.match(q, number.end()) if number else None
        return _Query(
            concepts, regions, foreign, "money" in kinds, kinds, bool(number),
            text=q,
            counted=re.compile(f"(?:\\d|{CN_NUMERAL}){counted.group(0)}") if counted else None,
        )

    def encoder_features(self, text: str) -> list[str]:
        """What the learned encoder reads in a text (the same for training and for questions)."""
        text = _compact(text)
        return semantic.features((w for w in cut_words(self._tokenizer, text) if w not in STOPWORDS), text)

    def _idf(self, term: str) -> float:
        df = self._df.get(term)
        if df is None:
            return self._max_idf
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def _concept_idf(self, concept: _Concept) -> float:
        """How much a question word counts when checking that a passage covers the question.

        A word the documents use counts by its inverse document frequency. A word they never
        use is either the topic the documents do not cover ("党费", "驾照": rare in general
        Chinese, so rare in jieba's dictionary) and counts fully, or colloquial filler ("拿",
        "下去": common words) or a segmentation fragment ("太偏": not in jieba's dictionary at
        all), which count little.
        """
        if not concept.typed:
            return 0.0  # a phrase only a synonym rule read does not count for coverage
        word = cn_to_digits(concept.word)
        if word in self._df:
            return self._idf(word)
        freq = self._tokenizer.FREQ.get(concept.word, 0)
        if freq and math.log(self._tokenizer.total / freq) >= self.params.topic_idf:
            return self._max_idf
        return self._max_idf * self.params.filler_weight

    def _coverage(self, query: _Query, uid: int) -> float:
        """Share of the question's informative wording (idf-weighted) that the passage holds."""
        plain = self._plain[uid]
        asked = self._asked_text[uid]
        asked_share = self.params.coverage_asked
        vector = self._unit_vectors[uid]
        encoder_cos, encoder_share = self.params.coverage_encoder_cos, self.params.coverage_encoder
        total = covered = 0.0
        for concept in query.concepts:
            idf = concept.idf
            if not idf:
                continue
            total += idf
            if any(a in plain for a in concept.covers):
                covered += idf
            elif asked_share and any(a in asked for a in concept.covers):
                covered += idf * asked_share
            else:
                # Partly there: some of a long word's bigrams, or a word the encoder puts close
                # to the passage ("换一茬" to a sentence on 轮换).
                grams = sum(g in plain for g in concept.grams) / len(concept.grams) if concept.grams else 0.0
                near = (
                    encoder_share
                    if concept.vector and vector and semantic.cosine(concept.vector, vector) >= encoder_cos
                    else 0.0
                )
                covered += idf * max(grams, near)
        return covered / total if total else 0.0

    @staticmethod
    def _match(query: _Query, postings: dict[str, tuple[list[int], list[float]]]) -> dict[int, float]:
        """BM25F score of every document holding a question term: a concept scores by its best
        representation in each document."""
        scores: dict[int, float] = defaultdict(float)
        for concept in query.concepts:
            best: dict[int, float] = {}
            for weight, rep in concept.reps:
                if len(rep) == 1:
                    term, share = rep[0]
                    ids, contributions = postings.get(term, EMPTY_POSTING)
                    f = weight * share
                    for doc_id, c in zip(ids, contributions, strict=True):
                        s = f * c
                        if s > best.get(doc_id, 0.0):
                            best[doc_id] = s
                    continue
                acc: dict[int, float] = defaultdict(float)
                for term, share in rep:
                    ids, contributions = postings.get(term, EMPTY_POSTING)
                    f = weight * share
                    for doc_id, c in zip(ids, contributions, strict=True):
                        acc[doc_id] += f * c
                for doc_id, s in acc.items():
                    if s > best.get(doc_id, 0.0):
                        best[doc_id] = s
            for doc_id, s in best.items():
                scores[doc_id] += s
        return scores

    def _rank(self, query: _Query, depth: int = CANDIDATES) -> list[tuple[float, int]]:
        """The best `depth` units by score, best first: the head re-ranked by coverage."""
        scores = self._match(query, self._postings)
        if self._asked_unit:  # (also read by the known-gap check)
            query.asked_scores = self._match(query, self._asked_postings)
        if self.params.w_qq and query.asked_scores:
            # A unit also scores by the closest question it is known to answer.
            # A known question asking for the same kind of answer (an amount, a date...) is closer.
            asked_unit, asked_bits = self._asked_unit, self._asked_bits
            wanted = _kind_bits(query.kinds)
            same_kind = 1 + self.params.type_boost
            closest: dict[int, float] = {}
            for qid, s in query.asked_scores.items():
                uid = asked_unit[qid]
                if uid < 0:
                    continue  # a known gap
                if asked_bits[qid] & wanted:
                    s *= same_kind
                if s > closest.get(uid, 0.0):
                    closest[uid] = s
            for uid, s in closest.items():
                scores[uid] += self.params.w_qq * s
        if not scores:
            return []
        p = self.params
        factor = self._factor
        flags = self._flags
        wanted = _kind_bits(query.kinds)
        type_boost = 1 + p.type_boost
        money_boost = 1 + p.money_boost if query.money else 1.0
        region_boost = 1 + p.region_boost
        regions = query.regions
        region_of = self._region_of_unit
        items: list[tuple[float, int]] = []
        for uid, score in scores.items():
            score *= factor[uid]
            if regions and region_of[uid] in regions:
                score *= region_boost
            if flags[uid] & wanted:
                score *= type_boost
            if flags[uid] & MONEY_IN_SENTENCE:
                score *= money_boost
            items.append((score, uid))
        ranked = heapq.nsmallest(max(depth, p.rerank_depth), items, key=lambda x: (-x[0], x[1]))
        if p.coverage_power:
            # Re-rank the head of the list by how much of the question each passage holds.
            head = [(s * self._coverage(query, uid) ** p.coverage_power, uid) for s, uid in ranked[: p.rerank_depth]]
            head.sort(key=lambda x: (-x[0], x[1]))
            ranked = head + ranked[p.rerank_depth :]
        # An amount of money, or a number of what is asked ("几天" -> "10天"), is asked for and
        # the best passage shows none: a close runner-up that does goes first.
        if query.money and not flags[ranked[0][1]] & MONEY_SHOWN:
            self._promote(ranked, lambda uid: bool(flags[uid] & MONEY_SHOWN))
        elif query.counted and not self._number_shown(query, ranked[0][1]):
            counted, units = query.counted, self._units
            self._promote(ranked, lambda uid: bool(counted.search(units[uid][3])))
        return ranked

    def _promote(self, ranked: list[tuple[float, int]], shows: Callable[[int], bool]) -> None:
        """Move the first close runner-up whose passage `shows` the answer asked for to the top."""
        p = self.params
        top = ranked[0][0]
        for k, (score, uid) in enumerate(ranked[1 : p.runner_up_window], start=1):
            if score >= p.runner_up_ratio * top and shows(uid):
                ranked.insert(0, ranked.pop(k))
                return

    def _closeness(self, question: str, ranked: list[tuple[float, int]]) -> dict[int, float] | None:
        """The learned encoder's cosine between the question and each passage at the head of the
        list (None without an encoder, or when it knows none of the question's features)."""
        if not (self._encoder and ranked):
            return None
        vector = self._encoder.encode(self.encoder_features(question))
        if vector is None:
            return None
        vectors = self._unit_vectors
        return {
            uid: semantic.cosine(vector, v) if (v := vectors[uid]) else 0.0 for _, uid in ranked[: self.params.rerank_depth]
        }

    def _rerank_by_encoder(
        self, ranked: list[tuple[float, int]], closeness: dict[int, float] | None
    ) -> list[tuple[float, int]]:
        """The head re-ranked by the learned encoder's closeness, in units of the best score.

        Only the order changes: whether to answer at all is settled before.
        """
        p = self.params
        if not (closeness and p.w_semantic):
            return ranked
        bonus = p.w_semantic * ranked[0][0]
        head = [(s + bonus * closeness[uid], uid) for s, uid in ranked[: p.rerank_depth]]
        head.sort(key=lambda x: (-x[0], x[1]))
        return head + ranked[p.rerank_depth :]

    def answer_signals(self, question: str) -> tuple[float, ...] | None:
        """The answer model's signals for the question's best passage; None when there is none,
        there is no encoder or another check refuses the question (what the model is fitted on)."""
        query = self._parse_question(question)
        ranked = self._rank(query)
        closeness = self._closeness(question, ranked)
        if closeness is None or self._abstain(query, ranked, closeness, odds=None) is not None:
            return None
        return self._answer_signals(query, ranked[0][1], closeness)

    def _answer_signals(self, query: _Query, uid: int, closeness: dict[int, float]) -> tuple[float, ...]:
        """What the answer model reads about the best passage (unit `uid`), in ANSWER_SIGNALS order."""
        plain = self._plain[uid]
        total = missing = 0.0
        for concept in query.concepts:
            if concept.idf:
                total += concept.idf
                if not any(a in plain for a in concept.covers):
                    missing = max(missing, concept.idf)
        closest_known = max(
            (s for qid, s in query.asked_scores.items() if self._asked_unit[qid] >= 0), default=0.0
        )
        return (
            self._coverage(query, uid),
            missing / self._max_idf,
            closest_known / total if total else 0.0,
            closeness.get(uid, 0.0),
            max(closeness.values(), default=0.0),
        )

    def _passage(self, uid: int, score: float) -> Passage:
        doc, section, _sentence, shown, _heading = self._units[uid]
        meta = self._docs[doc]
        return Passage(
            text=shown, doc=meta.get("title", ""), section=section, source=meta.get("source", ""), score=round(score, 4)
        )

    def abstain_reason(self, question: str) -> str | None:
        """Why `ask` abstains on this question (None when it answers)."""
        return self.ask(question).reason

    def _answer_odds(
        self, query: _Query, ranked: list[tuple[float, int]], closeness: dict[int, float] | None
    ) -> float | None:
        """The answer model's odds that the best passage answers (None without the model or the encoder)."""
        if not (self.params.answer_model and closeness is not None and ranked):
            return None
        return answer_odds(self.params.answer_model, self._answer_signals(query, ranked[0][1], closeness))

    def _abstain(
        self, query: _Query, ranked: list[tuple[float, int]], closeness: dict[int, float] | None, odds: float | None
    ) -> str | None:
        """Why the best passage is no answer (None when it is one), given the answer model's odds
        (None: the model is not read)."""
        p = self.params
        if query.foreign and not query.regions:
            return "place"
        if not ranked or not any(c.typed for c in query.concepts):
            return "nothing"
        score, uid = ranked[0]
        if score < p.min_score:
            return "score"
        if p.answer_model and closeness is not None:
            if odds is not None and odds < p.min_answer_odds:
                return "unlikely"
        elif self._coverage(query, uid) < p.min_coverage:
            return "coverage"
        if p.region_check and query.regions and self._region_of_unit[uid] not in query.regions:
            return "region"  # another region's rule is no answer for the region asked about
        if p.money_check and query.money and not self._flags[uid] & MONEY_SHOWN:
            return "money"
        if p.number_check and query.number and not self._number_shown(query, uid):
            return "number"
        if self._known_gap(query, uid):
            return "gap"
        return None

    def _number_shown(self, query: _Query, uid: int) -> bool:
        """The passage of unit `uid` shows a number, or a number of what is asked ("三级" for "几级")."""
        return bool(self._flags[uid] & NUMBER_SHOWN) or bool(query.counted and query.counted.search(self._units[uid][3]))

    def _known_gap(self, query: _Query, uid: int) -> bool:
        """The question is a known gap's rather than a known question's, the gap explains what
        the best passage (unit `uid`) lacks (it holds a question word the passage does not), and
        the gap asks nothing the question does not."""
        p = self.params
        if not (p.gap_ratio and self._gaps):
            return False
        closest_known = closest_gap = 0.0
        gap = -1
        for qid, s in query.asked_scores.items():
            unit = self._asked_unit[qid]
            if unit >= 0:
                closest_known = max(closest_known, s)
            elif s > closest_gap:
                closest_gap, gap = s, -1 - unit
        if gap < 0 or closest_gap <= p.gap_ratio * closest_known:
            return False
        gap_text, plain = self._gaps[gap], self._plain[uid]
        total = held = 0.0
        explains = False
        for concept in query.concepts:
            if not concept.idf:
                continue
            total += concept.idf
            if any(a in gap_text for a in concept.covers):
                held += concept.idf
                explains = explains or not any(a in plain for a in concept.covers)
        if not (explains and held >= p.gap_coverage * total):
            return False
        # A gap that adds words of its own ("2023年", "非脱贫村", "达州") is another question: the
        # one without them may well be answered.
        gap_query = self._parse_question(gap_text)
        if gap_query.regions - query.regions or (gap_query.foreign and not query.foreign):
            return False  # a place is not among a question's words: compared here
        gap_concepts = [c for c in gap_query.concepts if c.idf]
        held_back = sum(c.idf for c in gap_concepts if any(a in query.text for a in c.covers))
        return held_back >= p.gap_reverse * sum(c.idf for c in gap_concepts)

    def ask(self, question: str, top_k: int = 3) -> Answer:
        """The best passages for a question (at most `top_k`, at least one), or an abstention.

        Pure CPU: no I/O after `load`.
        """
        top_k = max(1, top_k)
        query = self._parse_question(question)
        ranked = self._rank(query, depth=max(CANDIDATES, 20 * top_k))
        closeness = self._closeness(question, ranked)
        odds = self._answer_odds(query, ranked, closeness)
        reason = self._abstain(query, ranked, closeness, odds)
        if reason is not None:
            return Answer(question=question, passages=[], reason=reason)
        chosen: list[Passage] = []
        for score, uid in self._rerank_by_encoder(ranked, closeness):
            sentence = self._units[uid][2]
            if any(sentence in passage.text for passage in chosen):
                continue  # already on screen inside a better passage
            chosen.append(self._passage(uid, score))
            if len(chosen) >= top_k:
                break
        return Answer(question=question, passages=chosen, unsure=odds is not None and odds < self.params.sure_odds)

    def highlight_terms(self, question: str, passage: Passage) -> list[str]:
        """The passage's words that matched the (expanded) question, in order of appearance.

        Every returned term occurs in `passage.text`; a term is left out when each of its
        occurrences lies inside a longer returned term.
        """
        query = self._parse_question(question)
        text = passage.text
        lowered = _normalise(text)
        candidates = {t for t in query.terms() if not t.startswith("§")}
        for concept in query.concepts:
            candidates |= concept.covers
        # One character ("村", "2") would light up half the passage: words of two or more only.
        found = sorted((t for t in candidates if len(t) > 1 and t in lowered), key=len, reverse=True)
        covered: list[tuple[int, int]] = []
        kept: list[tuple[int, str]] = []
        for term in found:
            starts = [m.start() for m in re.finditer(re.escape(term), lowered)]
            free = [s for s in starts if not any(a <= s and s + len(term) <= b for a, b in covered)]
            if not free:
                continue
            kept.append((free[0], text[free[0] : free[0] + len(term)]))
            covered.extend((s, s + len(term)) for s in starts)
        kept.sort()
        return [term for _, term in kept]


# --------------------------------------------------------------------------------------------
# Cache


def _read_cache(path: Path) -> dict[str, Any] | None:
    """The cached index, or None when it is missing, unreadable, corrupt or malformed.

    The file is the SHA-256 of the JSON payload on the first line, then the payload.
    """
    try:
        digest, _, payload = path.read_bytes().partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            raise ValueError("checksum mismatch")
        index = orjson.loads(payload)
        units, asked, postings, df, n, asked_unit, asked_postings = (
            index[k] for k in ("units", "asked", "postings", "df", "n", "asked_unit", "asked_postings")
        )
        if not all(isinstance(x, dict) for x in (postings, df, asked_postings)):
            raise ValueError("bad shape")
        if not all(isinstance(x, list) for x in (units, asked, asked_unit, index["asked_bits"], index["gaps"])):
            raise ValueError("bad shape")
        if n != len(units) or n != len(asked) or not all(isinstance(u, list) and len(u) == 5 for u in units):
            raise ValueError("bad units")
        return index
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - any damage only means: build afresh
        log.warning("pocket-book cache %s unusable (%s); rebuilding", path, exc)
        return None


def _write_cache(path: Path, index: dict[str, Any]) -> None:
    """Write the index atomically (temporary file, then rename); failing to write is no error."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        payload = orjson.dumps(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("pocket-book cache %s not written (%s)", path, exc)
        try:
            tmp.unlink()
        except OSError:
            pass


def default_pocketbook(*, policies: Path = REPO / "policies", cache_dir: Path | None = DEFAULT_CACHE_DIR) -> PocketBook:
    """The pocket book from a policies directory laid out as the project's (corpus/, userdict.txt,
    synonyms.txt, expansions/, encoder.json.gz, known_gaps.jsonl), cached under data/cache/."""
    return PocketBook.load(
        policies / DEFAULT_CORPUS.name,
        policies / DEFAULT_USERDICT.name,
        policies / DEFAULT_SYNONYMS.name,
        expansions=policies / DEFAULT_EXPANSIONS.name,
        encoder=policies / DEFAULT_ENCODER.name,
        gaps=policies / DEFAULT_GAPS.name,
        cache_dir=cache_dir,
    )

"""The policy pocket book: answer cadres' questions with the documents' own words and their source.

Free of aiogram and of the database. `PocketBook.load` reads the corpus (`policies/corpus/*.md`),
the domain dictionary and the synonym list once; `ask` is pure CPU afterwards.

Method
------
* Passages. Each document body is parsed into headings (一、 / （一） / 1. / （1） / 第X条 / 附件,
  kept as a heading path) and paragraphs; paragraphs are cut into sentences at 。！？；, table rows
  (cells joined by " | " in the corpus) are units of their own. A retrieval unit is one sentence;
  what the cadre is shown is that sentence with its neighbours in the same paragraph, at most
  300 characters, cut at sentence or clause boundaries around the answering sentence.
* Words. jieba (search mode, so long words also give their dictionary sub-words) with the domain
  dictionary, on a private `jieba.Tokenizer` so the process-wide jieba is left alone.
* Ranking. BM25F written out here: per-unit fields "sentence" (weight 1), "neighbours",
  "heading path" and "document title" (lower weights), each length-normalised, combined before
  the BM25 saturation. Question words are cut the same way, stop words dropped, and expanded with
  the synonym list (colloquial → document words) at a lower weight. A question that names a
  region (山西, 南阳, 达川/达州, 新丰, 西峡, or their provinces) boosts that region's documents. A
  question that asks for an amount, a frequency, a deadline or a count boosts sentences that hold
  one.
* Abstention. No answer (empty passages) when the question names a place the documents do not
  cover, when the best passage leaves too much of the question's informative wording uncovered
  (inverse-document-frequency mass of the typed words, a word counting as covered when it or one
  of its synonyms is in the passage), when the score is too low, or when the question asks for
  an amount of money and the best passage holds none.

Why no retrieval library: the corpus is ~3,000 sentences, so an inverted index over precomputed
BM25F contributions answers in well under a millisecond in pure Python. `bm25s` (maintained,
fast) would bring numpy and scipy for no speed we need and does not do field weighting, per-term
query weights or the per-term coverage the abstention needs; `rank_bm25` scores every document per
term and is no longer maintained; scikit-learn's TF-IDF is not BM25 and is a large dependency.
The scoring itself is ~30 lines below.

The built index is cached as JSON (not pickle: the cache directory may be shared) keyed by a hash
of the corpus, the dictionaries, jieba's version and this module's parameters; a missing,
unreadable or corrupt cache is rebuilt, and a cache that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO / "policies" / "corpus"
DEFAULT_USERDICT = REPO / "policies" / "userdict.txt"
DEFAULT_SYNONYMS = REPO / "policies" / "synonyms.txt"
DEFAULT_CACHE_DIR = REPO / "data" / "cache"

MAX_CHARS = 300
INDEX_VERSION = 1


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
    abstained: bool
    passages: list[Passage]  # best first; empty when abstained


@dataclass(frozen=True)
class Params:
    """Ranking and abstention parameters (tuned on half A of tests/data/ask_dev.jsonl)."""

    k1: float = 1.2
    b: float = 0.75
    w_core: float = 1.0
    w_ctx: float = 0.25
    w_head: float = 0.4
    w_title: float = 0.2
    w_synonym: float = 0.5
    region_boost: float = 0.6
    type_boost: float = 0.25
    min_coverage: float = 0.5
    min_score: float = 2.0
    money_check: bool = True
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
# Places the documents do not cover: a question about them is not answered.
OTHER_PLACES = (
    "北京 天津 上海 重庆 河北 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 湖北 湖南 海南 贵州 云南 "
    "陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 郑州 成都 广州 深圳 太原 杭州 武汉 长沙 "
    "西安 南京 济南 合肥 福州 南昌 昆明 贵阳 兰州 西宁 银川 乌鲁木齐 拉萨 南宁 海口 石家庄 沈阳 长春 "
    "哈尔滨 呼和浩特 外省 国外"
).split()

# --------------------------------------------------------------------------------------------
# Question words

STOPWORDS = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 么 嘛 哦 哈 是 不 没 没有 有没有 有 要 要不要 得 地 能 能不能 可以 可不可以 会 都 还 就 也 又 和 与 及
    或 或者 在 这 那 这个 那个 这边 那边 这里 那里 这些 那些 我 我们 你 你们 他 她 他们 咱 咱们 自己 大家 人家 怎么 怎么办
    怎样 怎么样 咋 咋办 咋整 啥 什么 哪 哪些 哪个 哪儿 哪里 谁 多少 几 几个 多久 多长 多长时间 如何 为什么 为啥 一下 一个
    一些 现在 今年 目前 是不是 对不对 需要 应该 必须 还是 然后 如果 的话 给 让 被 把 对 向 从 到 跟 按 按照 以 以上 以下 里 上 下
    中 内 外 后 前 时 时候 最 最多 最少 最低 最高 多 少 大 小 好 去 来 做 干 搞 弄 算 说 问 想 看 看看 知道 请问 一般 具体
    怎么弄 怎么搞 哪几种 哪几个 几种 几项 个 次 这样 那样 可 才 再 已经 只 只能 该 么样 吗吗 能否 是否 有无 情况 东西 事
    """.split()
)

QUANTITY_ASK = re.compile(r"多少|几|多久|多长|多大|多高|比例|占比|上限|下限|标准|额度|封顶|起付线")
MONEY_ASK = re.compile(r"多少钱|几块钱|多少块|多少元|钱|补多少|补贴多少|补助多少|奖补.{0,4}多少|领多少|给多少|贷多少|能贷|发多少|工资|起付线|费用")
FREQ_ASK = re.compile(r"多久|多长时间|几次|几趟|几回|多少次|频率|隔多|每.{0,2}几")
WHEN_ASK = re.compile(r"啥时候|什么时候|何时|哪天|几号|几月|截止|最迟|最晚|之前|期限|几天内|多少天内|多久内|几个工作日")
COUNT_ASK = re.compile(r"几|多少|比例|占比|百分之|上限|下限|多大|多高|多长")

MONEY_TEXT = re.compile(r"\d[\d.,，]*\s*(?:万元|千元|亿元|元)|[一二三四五六七八九十百千万两]+元|上不封顶")
FREQ_TEXT = re.compile(r"每[天日周月年半季两三四五六七八九十]|每个?(?:月|季度|年|周|学期)|\d+\s*(?:次|天|日|个月|年|周)|[一二三四五六七八九十两]次")
WHEN_TEXT = re.compile(r"\d+\s*月|\d+\s*日|月底|年底|月末|季度末|年末|之前|以前|日前|前完成|工作日|天内|日内")
NUMBER_TEXT = re.compile(r"\d|[一二三四五六七八九十两百千万]+(?:个|名|人|户|次|天|年|月|项|类|种|条|篇|分|倍|星)|%|％")

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
LEVELS = {"annex": 0, "chapter": 1, "l1": 1, "l2": 2, "article": 3, "l3": 3, "l4": 4}
SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")
CLAUSE_END = "，、：:,"
SENTENCE_END = "。！？；!?;"
INLINE_HEADING_MAX = 30  # "（一）走访经常化。驻村干部要……": the first sentence is the heading
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
class _Para:
    doc: int
    section: str
    sentences: list[str]
    table: bool = False
    header: str = ""  # a table's first row, shown as context


def parse_document(body: str, meta: dict[str, str]) -> list[_Para]:
    """Cut a document body into paragraphs of sentences, each with its heading path."""
    skip = {meta.get(k, "") for k in ("title", "doc_no", "issuer")} - {""}
    stack: list[tuple[int, str]] = []
    paras: list[_Para] = []
    lines = [_clean(line) for line in body.split("\n")]
    table_header = ""
    caption = ""
    in_table = False
    for i, line in enumerate(lines):
        if not line or line in skip or DATE_LINE.match(line) or not re.search(r"\w", line):
            continue
        m = HEADING.match(line)
        is_row = CELL_SEP in line
        if m and not is_row:
            level = LEVELS[m.lastgroup or "l1"]
            first = _split_sentences(line)[0]
            if len(line) <= HEADING_LINE_MAX and len(first) >= len(line) - 1:
                # A heading on its own line.
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, line.rstrip("。")))
                in_table, caption = False, ""
                continue
            if len(first) <= INLINE_HEADING_MAX:
                # "（一）走访经常化。正文……": the heading starts the paragraph.
                while stack and stack[-1][0] >= level:
                    stack.pop()
                section = " > ".join([h for _, h in stack] + [first.rstrip("。；：:")])
                rest = _split_sentences(line[len(first):])
                stack.append((level, first.rstrip("。；：:")))
                if rest:
                    paras.append(_Para(0, section, rest))
                in_table, caption = False, ""
                continue
        if is_row:
            cells = [c.strip() for c in line.split(CELL_SEP)]
            text = CELL_JOIN.join(cells)
            if not in_table:
                in_table, table_header = True, text
                section = " > ".join([h for _, h in stack] + ([caption] if caption else []))
                paras.append(_Para(0, section, [], table=True, header=table_header))
            paras[-1].sentences.append(text)
            continue
        next_is_row = i + 1 < len(lines) and CELL_SEP in lines[i + 1]
        if in_table and len(line) <= HEADING_LINE_MAX and not re.search(f"[{SENTENCE_END}]", line[:-1]):
            # A short line inside a table: a row with a single cell ("1", "合计").
            paras[-1].sentences.append(line)
            continue
        in_table = False
        if next_is_row and len(line) <= HEADING_LINE_MAX and not re.search(f"[{SENTENCE_END}]", line):
            caption = line  # the title of the table below
            continue
        caption = ""
        section = " > ".join(h for _, h in stack)
        paras.append(_Para(0, section, _split_sentences(line)))
    return paras


# --------------------------------------------------------------------------------------------
# Dictionaries


@dataclass(frozen=True)
class SynonymRule:
    patterns: tuple[str, ...]  # colloquial phrases; "…" stands for up to four characters
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
        regex = re.compile("|".join(".{0,4}".join(map(re.escape, p.split("…"))) for p in patterns))
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


def make_tokenizer(userdict_entries: list[tuple[str, int | None, str | None]] | None = None) -> Any:
    """A private jieba tokenizer, initialised now (the ~0.5 s dictionary load happens here)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in userdict_entries or ():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def _normalise(text: str) -> str:
    # Full-width digits and letters to ASCII (the documents write "20天", cadres may type "２０天").
    return "".join(unicodedata.normalize("NFKC", ch) if ch.isalnum() else ch for ch in text)


WORD = re.compile(r"\w")


def cut_words(tokenizer: Any, text: str) -> list[str]:
    """jieba search-mode words of `text`, lower-cased, without punctuation or spaces."""
    return [w.lower() for w in tokenizer.cut_for_search(text) if WORD.search(w)]


# --------------------------------------------------------------------------------------------
# Index


def _hash_inputs(corpus_files: list[Path], userdict: Path, synonyms: Path, params: Params) -> str:
    import jieba

    h = hashlib.sha256()
    h.update(f"v{INDEX_VERSION} jieba {jieba.__version__} {json.dumps(asdict(params), sort_keys=True)}".encode())
    for path in [*corpus_files, userdict]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    # The synonyms do not enter the index; they are read on every load.
    return h.hexdigest()[:32]


def _build_index(
    docs_meta: list[dict[str, str]], paras: list[_Para], tokenizer: Any, params: Params
) -> dict[str, Any]:
    """Units (sentences and table rows) with their display windows, and BM25F postings."""
    units: list[list[Any]] = []  # [doc, section, text, shown, start, end]
    fields_tokens: list[tuple[list[str], list[str], list[str], list[str]]] = []
    title_tokens = [cut_words(tokenizer, m.get("title", "")) for m in docs_meta]
    section_cache: dict[str, list[str]] = {}
    for para in paras:
        sents = para.sentences
        toks = [cut_words(tokenizer, s) for s in sents]
        if para.section not in section_cache:
            section_cache[para.section] = cut_words(tokenizer, para.section)
        head = section_cache[para.section]
        if para.table and para.header:
            head = head + cut_words(tokenizer, para.header)
        for i, sentence in enumerate(sents):
            if not WORD.search(sentence):
                continue
            shown, start, end = _window(sents, i, para.header if para.table else "", params.context_chars, para.table)
            ctx = (toks[i - 1] if i > 0 else []) + (toks[i + 1] if i + 1 < len(sents) else [])
            units.append([para.doc, para.section, sentence, shown, start, end])
            fields_tokens.append((toks[i], ctx, head, title_tokens[para.doc]))

    weights = (params.w_core, params.w_ctx, params.w_head, params.w_title)
    n = len(units)
    avg = [max(1e-9, sum(len(f[k]) for f in fields_tokens) / max(1, n)) for k in range(4)]
    df: dict[str, int] = defaultdict(int)
    for f in fields_tokens:
        for term in set(f[0]) | set(f[1]) | set(f[2]) | set(f[3]):
            df[term] += 1
    postings: dict[str, list[list[float]]] = defaultdict(list)
    unit_terms: list[list[str]] = []
    for uid, f in enumerate(fields_tokens):
        tf: dict[str, float] = defaultdict(float)
        for k in range(4):
            norm = 1 - params.b + params.b * len(f[k]) / avg[k]
            counts: dict[str, int] = defaultdict(int)
            for term in f[k]:
                counts[term] += 1
            for term, c in counts.items():
                tf[term] += weights[k] * c / norm
        for term, t in tf.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            postings[term].append([uid, round(idf * t * (params.k1 + 1) / (t + params.k1), 5)])
        unit_terms.append(sorted(set(f[0]) | set(f[1]) | set(f[2])))
    return {
        "units": units,
        "postings": postings,
        "df": dict(df),
        "n": n,
        "unit_terms": unit_terms,
    }


def _window(sents: list[str], i: int, header: str, budget: int, table: bool) -> tuple[str, int, int]:
    """The text shown for sentence i: it, plus neighbours while within `budget` characters.

    Returns the text and the start/end of sentence i inside it.
    """
    sep = "\n" if table else ""
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
    parts = sents[lo:hi]
    if table and header and lo > 0 and size + len(header) <= MAX_CHARS:
        parts = [header, *parts]
    text = sep.join(parts)
    start = text.find(sents[i]) if sents[i] else 0
    shown, start, end = _cut(text, max(start, 0), max(start, 0) + len(sents[i]))
    return shown, start, end


def _cut(text: str, start: int, end: int, limit: int = MAX_CHARS) -> tuple[str, int, int]:
    """At most `limit` characters of `text` around [start, end), cut at clause boundaries."""
    if len(text) <= limit:
        return text, start, end
    if end - start > limit:
        # The sentence alone is too long: keep its beginning up to a clause boundary.
        piece = text[start : start + limit]
        cut = max(piece.rfind(c) for c in CLAUSE_END + SENTENCE_END)
        if cut >= limit // 2:
            piece = piece[: cut + 1]
        return piece, 0, len(piece)
    # Grow around the sentence: whole sentences first, then clauses.
    lo, hi = start, end
    left_cuts = sorted({k + 1 for k, c in enumerate(text[:start]) if c in SENTENCE_END + "\n"}, reverse=True)
    right_cuts = sorted({k + 1 for k, c in enumerate(text) if k >= end and c in SENTENCE_END + "\n"})
    changed = True
    while changed:
        changed = False
        if right_cuts and right_cuts[0] - lo <= limit:
            hi = right_cuts.pop(0)
            changed = True
        if left_cuts and hi - left_cuts[0] <= limit:
            lo = left_cuts.pop(0)
            changed = True
    piece = text[lo:hi].strip("\n")
    offset = text[lo:hi].find(piece)
    return piece, start - lo - offset, end - lo - offset


# --------------------------------------------------------------------------------------------
# The engine


@dataclass
class _Query:
    terms: dict[str, float]  # word -> weight
    typed: list[str]  # content words the cadre typed
    alternatives: dict[str, set[str]]  # typed word -> words that cover it
    regions: set[str]
    foreign: bool
    money: bool
    kinds: tuple[str, ...]  # "money", "freq", "when", "count"


class PocketBook:
    def __init__(
        self,
        index: dict[str, Any],
        docs: list[dict[str, str]],
        synonyms: list[SynonymRule],
        tokenizer: Any,
        params: Params,
    ) -> None:
        self.params = params
        self._docs = docs
        self._units = index["units"]
        self._postings: dict[str, list[list[float]]] = index["postings"]
        self._df: dict[str, int] = index["df"]
        self._n: int = index["n"]
        self._unit_terms = [frozenset(t) for t in index["unit_terms"]]
        self._synonyms = synonyms
        self._tokenizer = tokenizer
        self._max_idf = math.log(1 + (self._n + 0.5) / 0.5)
        self._region_units: dict[str, frozenset[int]] = {}
        for region in REGION_WORDS:
            docs_in = {i for i, d in enumerate(docs) if d.get("region") == region}
            self._region_units[region] = frozenset(u for u, unit in enumerate(self._units) if unit[0] in docs_in)

    # -- loading

    @classmethod
    def load(
        cls,
        corpus_dir: Path,
        userdict: Path,
        synonyms: Path,
        *,
        cache_dir: Path | None = None,
        params: Params | None = None,
    ) -> PocketBook:
        """Read the corpus and dictionaries and build (or load the cached) index.

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
        tokenizer = make_tokenizer(userdict_entries)

        key = _hash_inputs(files, userdict, synonyms, params)
        cache_file = Path(cache_dir) / f"pocketbook-{key}.json" if cache_dir is not None else None
        index = _read_cache(cache_file) if cache_file else None
        if index is None:
            paras: list[_Para] = []
            for d, body in enumerate(bodies):
                for para in parse_document(body, docs[d]):
                    para.doc = d
                    paras.append(para)
            index = _build_index(docs, paras, tokenizer, params)
            if cache_file:
                _write_cache(cache_file, index)
        return cls(index, docs, rules, tokenizer, params)

    # -- questions

    def _parse_question(self, question: str) -> _Query:
        q = "".join(_normalise(question).split())
        regions: set[str] = set()
        for region, words in REGION_WORDS.items():
            if any(w in q for w in words):
                regions.add(region)
        for province, regs in PROVINCE_REGIONS.items():
            if province in q:
                regions.update(regs)
        masked = q
        for words in [*REGION_WORDS.values(), tuple(PROVINCE_REGIONS)]:
            for w in words:
                masked = masked.replace(w, "　" * len(w))
        foreign = any(place in masked for place in OTHER_PLACES)

        typed: list[str] = []
        spans: list[tuple[str, int, int]] = []
        for word, start, end in self._tokenizer.tokenize(masked, mode="search"):
            w = word.lower()
            if not WORD.search(w) or w in STOPWORDS:
                continue
            if len(w) == 1 and w not in self._df:
                continue
            spans.append((w, start, end))
            if w not in typed:
                typed.append(w)
        # Drop typed words that only repeat a longer typed word's characters ("小额" inside "小额信贷").
        terms: dict[str, float] = {w: 1.0 for w in typed}
        alternatives: dict[str, set[str]] = {w: {w} for w in typed}
        for rule in self._synonyms:
            for m in rule.regex.finditer(q):
                expansion: list[str] = []
                for word in rule.words:
                    expansion.extend(cut_words(self._tokenizer, word))
                for w in expansion:
                    if w in STOPWORDS:
                        continue
                    terms[w] = max(terms.get(w, 0.0), self.params.w_synonym)
                for w, start, end in spans:
                    if start < m.end() and m.start() < end:
                        alternatives[w].update(expansion)
        kinds = []
        money = bool(MONEY_ASK.search(q)) and bool(QUANTITY_ASK.search(q) or "钱" in q)
        if money:
            kinds.append("money")
        if FREQ_ASK.search(q):
            kinds.append("freq")
        if WHEN_ASK.search(q):
            kinds.append("when")
        if COUNT_ASK.search(q):
            kinds.append("count")
        return _Query(terms, typed, alternatives, regions, foreign, money, tuple(kinds))

    def _idf(self, term: str) -> float:
        df = self._df.get(term)
        if df is None:
            return self._max_idf
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def _type_match(self, kinds: tuple[str, ...], text: str) -> bool:
        for kind in kinds:
            pattern = {"money": MONEY_TEXT, "freq": FREQ_TEXT, "when": WHEN_TEXT, "count": NUMBER_TEXT}[kind]
            if pattern.search(text):
                return True
        return False

    def _coverage(self, query: _Query, uid: int) -> float:
        terms = self._unit_terms[uid]
        shown = self._units[uid][3]
        total = covered = 0.0
        for w in query.typed:
            idf = self._idf(w)
            total += idf
            if any(a in terms or a in shown for a in query.alternatives[w]):
                covered += idf
        return covered / total if total else 0.0

    def _rank(self, query: _Query) -> list[tuple[float, int]]:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in query.terms.items():
            for uid, contribution in self._postings.get(term, ()):
                scores[int(uid)] += weight * contribution
        if not scores:
            return []
        p = self.params
        boosted: set[int] = set()
        for region in query.regions:
            boosted |= self._region_units[region]
        ranked: list[tuple[float, int]] = []
        for uid, score in scores.items():
            if uid in boosted:
                score *= 1 + p.region_boost
            if query.kinds and p.type_boost and self._type_match(query.kinds, self._units[uid][2]):
                score *= 1 + p.type_boost
            ranked.append((score, uid))
        ranked.sort(key=lambda x: (-x[0], x[1]))
        return ranked

    def _passage(self, uid: int, score: float) -> Passage:
        doc, section, _text, shown, _s, _e = self._units[uid]
        meta = self._docs[doc]
        return Passage(text=shown, doc=meta.get("title", ""), section=section, source=meta.get("source", ""), score=round(score, 4))

    def abstain_reason(self, question: str) -> str | None:
        """Why `ask` abstains on this question (None when it answers); for tuning and tests."""
        query = self._parse_question(question)
        return self._abstain(query, self._rank(query))

    def _abstain(self, query: _Query, ranked: list[tuple[float, int]]) -> str | None:
        p = self.params
        if query.foreign and not query.regions:
            return "place"
        if not ranked or not query.typed:
            return "nothing"
        score, uid = ranked[0]
        if score < p.min_score:
            return "score"
        if self._coverage(query, uid) < p.min_coverage:
            return "coverage"
        if p.money_check and query.money and not MONEY_TEXT.search(self._units[uid][3]):
            return "money"
        return None

    def ask(self, question: str, top_k: int = 3) -> Answer:
        query = self._parse_question(question)
        ranked = self._rank(query)
        if self._abstain(query, ranked) is not None:
            return Answer(question=question, abstained=True, passages=[])
        chosen: list[Passage] = []
        seen: list[str] = []
        for score, uid in ranked:
            sentence = self._units[uid][2]
            if any(sentence in shown for shown in seen):
                continue  # already on screen inside a better passage
            passage = self._passage(uid, score)
            chosen.append(passage)
            seen.append(passage.text)
            if len(chosen) >= top_k:
                break
        return Answer(question=question, abstained=False, passages=chosen)

    def highlight_terms(self, question: str, passage: Passage) -> list[str]:
        """The passage's words that matched the (expanded) question, in order of appearance.

        Every returned term occurs in `passage.text`; a term is left out when each of its
        occurrences lies inside a longer returned term.
        """
        query = self._parse_question(question)
        text = passage.text
        lowered = text.lower()
        found = [t for t in query.terms if len(t) > 1 or t.isdigit() or t in query.typed]
        found = [t for t in found if t and t in lowered]
        found.sort(key=len, reverse=True)
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
    try:
        with path.open(encoding="utf-8") as fh:
            index = json.load(fh)
        units, postings = index["units"], index["postings"]
        if not isinstance(units, list) or not isinstance(postings, dict):
            raise ValueError("bad shape")
        n = int(index["n"])
        if n != len(units) or len(index["unit_terms"]) != n or not isinstance(index["df"], dict):
            raise ValueError("bad sizes")
        for unit in units[:1] + units[-1:]:
            if len(unit) != 6:
                raise ValueError("bad unit")
        return index
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
        log.warning("pocket-book cache %s unusable (%s); rebuilding", path, exc)
        return None


def _write_cache(path: Path, index: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(index, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("pocket-book cache %s not written (%s)", path, exc)
        try:
            tmp.unlink()
        except OSError:
            pass


def default_pocketbook(*, cache_dir: Path | None = DEFAULT_CACHE_DIR) -> PocketBook:
    """The pocket book from the project's default paths, cached under data/cache/."""
    return PocketBook.load(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_SYNONYMS, cache_dir=cache_dir)

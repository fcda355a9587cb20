"""The policy pocket book engine (bot/services/pocketbook.py): behaviour, not benchmark figures
(those are `python -m bench`)."""

from __future__ import annotations

import builtins
import importlib.util
import json
import random
import re
from pathlib import Path

import pytest

from bot.services.pocketbook import (
    DEFAULT_CORPUS,
    DEFAULT_ENCODER,
    DEFAULT_EXPANSIONS,
    DEFAULT_GAPS,
    DEFAULT_SYNONYMS,
    DEFAULT_USERDICT,
    MAX_CHARS,
    Answer,
    Params,
    Passage,
    PocketBook,
    _cut,
    _read_cache,
    _write_cache,
    answer_odds,
    encoder_fingerprint,
    expansion_problems,
    parse_front_matter,
    parse_gaps,
    parse_synonyms,
)
from bot.services.semantic import QuestionEncoder, cosine, write_encoder

DEV_SET = Path(__file__).parent / "data" / "ask_dev.jsonl"
_spec = importlib.util.spec_from_file_location(
    "fit_answer_model", Path(__file__).resolve().parents[1] / "scripts" / "fit_answer_model.py"
)
fit_answer_model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fit_answer_model)  # type: ignore[union-attr]
SOURCES = {
    "南阳": "000_697ccfad018c1f7f.txt",
    "山西": "001_a6d754d3df061d1c.txt",
    "达川": "002_eb0fb03377d3ce62.txt",
    "新丰": "003_7e411d84ebca0f2b.txt",
    "西峡": "004_d8d04ca7b901a77e.txt",
}


def nonws(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pocketbook-cache")


def load_book(**options: object) -> PocketBook:
    """The pocket book as the bot loads it (known questions, learned encoder, known gaps), with `options`."""
    kwargs: dict = {"expansions": DEFAULT_EXPANSIONS, "encoder": DEFAULT_ENCODER, "gaps": DEFAULT_GAPS} | options
    return PocketBook.load(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_SYNONYMS, **kwargs)


@pytest.fixture(scope="module")
def book(cache_dir: Path) -> PocketBook:
    # The cache directory is empty: this load builds the index and writes the cache.
    return load_book(cache_dir=cache_dir)


@pytest.fixture(scope="module")
def book_without_encoder(cache_dir: Path) -> PocketBook:
    return load_book(encoder=None, cache_dir=cache_dir)


@pytest.mark.parametrize(
    ("question", "phrase", "source"),
    [
        ("脱贫户贷款最多能贷多少？", "原则上5万元（含）以下", SOURCES["西峡"]),
        ("请假三天要谁批？", "请假3天及以上的由县驻村办和派出单位联合审批", SOURCES["山西"]),
        ("南阳驻村干部每月在村多少天？", "每月在村工作时间不少于20天", SOURCES["南阳"]),
        ("新丰驻镇工作队员每月补助多少？", "每月2000元的工作补助", SOURCES["新丰"]),
        ("专职协管员工资多少？", "专职村级协管员工资原则上不低于一般村干部工资", SOURCES["西峡"]),
        ("D级危房重建补助多少？", "补助标准为13000至40000元", SOURCES["西峡"]),
        ("村里大喇叭每天要广播多长时间政策？", "每天通过村大喇叭宣讲30分钟涉农政策", SOURCES["山西"]),
        ("信访 三色管理", "实行蓝、黄、红三色管理", SOURCES["西峡"]),
    ],
)
def test_questions_land_on_the_passage_that_answers(book: PocketBook, question: str, phrase: str, source: str) -> None:
    answer = book.ask(question)
    assert isinstance(answer, Answer) and answer.question == question
    assert not answer.abstained
    best = answer.passages[0]
    assert isinstance(best, Passage)
    assert nonws(phrase) in nonws(best.text)
    assert best.source == source
    assert best.doc and best.section and best.score > 0
    titles = {parse_front_matter(path.read_text(encoding="utf-8"))[0]["title"] for path in DEFAULT_CORPUS.glob("*.md")}
    assert best.doc in titles


def test_a_section_is_the_heading_path(book: PocketBook) -> None:
    best = book.ask("小额信贷最长能贷几年？").passages
    sections = [p.section for p in best]
    assert "三、工作重点 > 1、过渡期内小额信贷政策" in sections


def test_a_named_region_steers_to_its_documents(book: PocketBook) -> None:
    assert book.ask("山西驻村干部请假两天谁批？").passages[0].source == SOURCES["山西"]
    assert book.ask("山西的第一书记多久走访一次脱贫户？").passages[0].source == SOURCES["山西"]
    # The same words with another region go to that region's rule.
    dazhou = book.ask("达州第一书记一年要在村多长时间？")
    assert dazhou.passages[0].source == SOURCES["达川"]
    assert any("年度工作日总数的2/3" in p.text for p in dazhou.passages)


@pytest.mark.parametrize(
    "question",
    ["养老金每月发多少", "北京市的驻村补贴标准", "浙江驻村干部请假要找谁批？", "驾照过期了在哪换？", "", "？？？"],
)
def test_questions_the_documents_do_not_answer_are_not_answered(book: PocketBook, question: str) -> None:
    answer = book.ask(question)
    assert answer.abstained
    assert answer.passages == []


@pytest.fixture(scope="module")
def book_without_number_check() -> PocketBook:
    return load_book(params=Params(number_check=False))


@pytest.mark.parametrize("question", ["危房改好以后保修几年？", "第一书记的意外保险保额是多少？"])
def test_a_number_asked_for_is_not_answered_by_a_passage_without_one(
    book: PocketBook, book_without_number_check: PocketBook, question: str
) -> None:
    # The documents speak of 危房改造 quality and of 意外保险, but give no warranty years or sum insured.
    assert book.ask(question).abstained
    assert book.abstain_reason(question) == "number"
    answer = book_without_number_check.ask(question)
    assert not answer.abstained
    assert not re.search(r"\d", answer.passages[0].text)


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        # The number is in words, with what the question counts: "几所" is answered by "一所".
        ("村卫生室每村要建几所？", "确保每个村有一所标准化村卫生室"),
        ("防返贫监测网格分几级管理？", "按照县一级、乡（镇）二级、村三级为基本单元"),
        # The passage that matches the words best states no number; a close runner-up states one of
        # what is asked ("几名" -> "1-2名", "几天" -> "10天") and goes first.
        ("驻镇 三支一扶 几名", "1-2名“三支一扶”人员"),
        ("西峡项目公示至少要挂几天", "所有公示期限不少于10天"),
        # "哪几种" asks for a list, not an amount of money, even after "资金".
        ("项目资金筹措方式有哪几种", "定点扶贫资金;东西协作资金;社会捐赠"),
        # "几回" counts times: not an amount of money, even after "免费".
        ("脱贫人口一年能免费做几回健康体检？", "每年为农村脱贫人口开展一次健康体检"),
    ],
)
def test_a_number_of_what_is_asked_is_found(book: PocketBook, question: str, phrase: str) -> None:
    answer = book.ask(question)
    assert not answer.abstained, answer.reason
    assert nonws(phrase) in nonws(answer.passages[0].text)


def test_passages_are_at_most_300_characters(book: PocketBook) -> None:
    questions = [json.loads(line)["q"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    for question in questions:
        for passage in book.ask(question, top_k=5).passages:
            assert 0 < len(passage.text) <= MAX_CHARS, (question, passage.text)


def test_a_long_text_is_cut_around_the_answer_at_a_boundary() -> None:
    sentences = [f"第{k}句话说的是第{k}件事情，内容比较长一些，需要慢慢地读完。" for k in range(40)]
    text = "".join(sentences)
    answer = sentences[20]
    start = text.index(answer)
    shown = _cut(text, start, start + len(answer))
    assert len(shown) <= MAX_CHARS
    assert answer in shown
    assert shown.endswith("。") and text.find(shown) in {text.find(s) for s in sentences}
    # A sentence longer than the limit: its beginning, to a clause end, marked as cut.
    long_sentence = "，".join(f"第{k}个分句" for k in range(100)) + "。"
    shown = _cut(long_sentence, 0, len(long_sentence))
    assert len(shown) <= MAX_CHARS and shown.endswith("，…") and long_sentence.startswith(shown[:-1])


def test_highlight_terms_are_words_of_the_passage(book: PocketBook) -> None:
    for question in ("脱贫户贷款最多能贷多少？", "请两天假要谁签字？", "D级危房重建补助多少？"):
        answer = book.ask(question)
        for passage in answer.passages:
            terms = book.highlight_terms(question, passage)
            assert all(term in passage.text for term in terms)
        assert book.highlight_terms(question, answer.passages[0])
    best = book.ask("D级危房重建补助多少？").passages[0]
    assert "补助" in book.highlight_terms("D级危房重建补助多少？", best)


def test_asking_reads_no_files(book: PocketBook, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_io(*args: object, **kwargs: object) -> None:
        raise AssertionError("ask() opened a file")

    monkeypatch.setattr(builtins, "open", no_io)
    monkeypatch.setattr(Path, "open", no_io)
    assert not book.ask("监测户多久走访一次？").abstained


def test_a_broken_or_unwritable_cache_does_not_break_loading(book: PocketBook, cache_dir: Path, tmp_path: Path) -> None:
    question = "小额信贷情况多久通报一次？"
    expected = [p.text for p in book.ask(question).passages]
    (cached,) = cache_dir.glob("pocketbook-*.json")
    good = cached.read_bytes()
    assert _read_cache(cached) is not None
    for damage in (b"", b"not json at all", good[:-1000], b"0" * 64 + b"\n{}", good.replace(b'"n":', b'"m":')):
        cached.write_bytes(damage)
        assert _read_cache(cached) is None
    assert _read_cache(tmp_path / "missing.json") is None
    # A load over a damaged cache builds afresh, answers the same and writes a good cache ...
    cached.write_bytes(good[: len(good) // 2])
    rebuilt = load_book(cache_dir=cache_dir)
    assert [p.text for p in rebuilt.ask(question).passages] == expected
    assert cached.read_bytes() == good
    # ... which the next load reads.
    from_cache = load_book(cache_dir=cache_dir)
    assert [p.text for p in from_cache.ask(question).passages] == expected
    # A cache that cannot be written (its directory cannot be created) is no error.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    _write_cache(blocker / "cache" / "pocketbook-x.json", {"n": 0})
    assert not (blocker / "cache").exists()


def test_synonym_lines_parse() -> None:
    rules = parse_synonyms("# comment\n\n贷款 | 借钱 => 小额信贷 信贷\n请…假 => 请假\nno arrow here\n")
    assert [r.patterns for r in rules] == [("贷款", "借钱"), ("请…假",)]
    assert rules[0].words == ("小额信贷", "信贷")
    assert rules[1].regex.search("请三天的假")
    assert parse_synonyms(DEFAULT_SYNONYMS.read_text(encoding="utf-8"))


def test_labour_gone_out_of_the_province_is_not_a_foreign_place(book: PocketBook) -> None:
    # "外省" / "省外" is what the documents call migrant work outside the province (省外务工),
    # not a place they do not cover.
    answer = book.ask("去外省打工半年以上，来回车费补多少？")
    assert not answer.abstained
    assert any("往返交通补助" in nonws(p.text) for p in answer.passages)
    assert book.ask("上海驻村干部每月补助多少？").abstained


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("儿子在北京打工，交通补助能给多少？", "省外务工6个月以上的每人发放一次性往返交通补助400元"),
        ("家里人去浙江务工半年了，有啥补贴？", "省外务工6个月以上的每人发放一次性往返交通补助400元"),
        ("去郑州培训路费补多少？", "参加创业培训"),  # 郑州 is in 河南: not 省外
        # 广东 is also the province of 新丰's document, but here it is where the work is
        ("村里有个脱贫户去广东电子厂干了大半年，来回路费能补多少？", "省外务工6个月以上的每人发放一次性往返交通补助400元"),
    ],
)
def test_a_place_someone_works_in_is_not_whose_rules_are_asked_about(book: PocketBook, question: str, phrase: str) -> None:
    # Where a household member works or trains is labour gone out of the county or province,
    # which the documents cover; a question about that place's own cadres is still referred there.
    answer = book.ask(question)
    assert not answer.abstained
    assert phrase in nonws(answer.passages[0].text)
    assert book.abstain_reason("在北京工作的驻村干部请假找谁批？") == "place"


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("驻的村特别偏，请假能不能发个消息就算数？", "微信、短信方式履行请假手续"),
        ("贷到的钱能不能拿去盖房子、娶媳妇？", "不能用于结婚、建房"),
        ("大病保险一年最多报多少，有没有上限？", "上不封顶"),
    ],
)
def test_colloquial_wording_reaches_the_documents_terms(book: PocketBook, question: str, phrase: str) -> None:
    answer = book.ask(question)
    assert not answer.abstained
    assert any(phrase in nonws(p.text) for p in answer.passages)


def test_every_known_question_names_a_sentence_of_its_document() -> None:
    assert expansion_problems(DEFAULT_CORPUS, DEFAULT_EXPANSIONS) == []
    assert len(list(DEFAULT_EXPANSIONS.glob("*.jsonl"))) == len(list(DEFAULT_CORPUS.glob("*.md")))


def test_broken_expansion_lines_are_reported(tmp_path: Path) -> None:
    (tmp_path / "004_d8d04ca7b901a77e__03.jsonl").write_text(
        '{"sentence": "免担保免抵押。", "questions": ["贷款要抵押吗？"]}\n'
        "not json\n"
        '{"sentence": "这句话不在文件里。", "questions": ["问什么？"]}\n'
        '{"sentence": "免担保免抵押。", "questions": []}\n'
        '{"sentence": "免担保免抵押。", "questions": ["' + "长" * 41 + '"]}\n',
        encoding="utf-8",
    )
    (tmp_path / "no_such_document.jsonl").write_text("", encoding="utf-8")
    problems = expansion_problems(DEFAULT_CORPUS, tmp_path)
    assert [p.split(":")[0:2] for p in problems] == [
        ["004_d8d04ca7b901a77e__03.jsonl", "2"],
        ["004_d8d04ca7b901a77e__03.jsonl", "3"],
        ["004_d8d04ca7b901a77e__03.jsonl", "4"],
        ["004_d8d04ca7b901a77e__03.jsonl", "5"],
        ["no_such_document.jsonl", " no corpus document no_such_document.md"],
    ]
    # Loading skips what it cannot read and still answers.
    book = PocketBook.load(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_SYNONYMS, expansions=tmp_path)
    assert not book.ask("小额信贷要不要抵押？").abstained


def test_a_question_written_for_a_sentence_leads_to_it(book: PocketBook, tmp_path: Path) -> None:
    # Nothing in the documents or the known questions speaks of a 林权证: no answer ...
    question = "小额信贷得押林权证不？"
    assert book.ask(question).abstained
    # ... until a cadre's wording is written down for the sentence that answers it.
    for path in DEFAULT_EXPANSIONS.glob("*.jsonl"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    with (tmp_path / "004_d8d04ca7b901a77e__03.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"sentence": "免担保免抵押。", "questions": ["要不要押林权证？"]}, ensure_ascii=False) + "\n")
    taught = PocketBook.load(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_SYNONYMS, expansions=tmp_path)
    answer = taught.ask(question)
    assert not answer.abstained
    assert "免担保免抵押" in answer.passages[0].text


def test_the_encoder_is_trained_on_the_current_documents_and_known_questions() -> None:
    fingerprint = encoder_fingerprint(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_EXPANSIONS)
    assert QuestionEncoder.load(DEFAULT_ENCODER, fingerprint) is not None, (
        "policies/encoder.json.gz was trained on other documents or known questions: run `make encoder`"
    )


def test_the_encoder_reads_wording_the_documents_do_not_use(book: PocketBook, book_without_encoder: PocketBook) -> None:
    # "谁点头" (who nods it through) is in neither the documents nor the known questions: by
    # words alone the best passage is the one on asking leave by WeChat; the encoder knows the
    # question is about who approves.
    question = "山西驻村的请四天假得谁点头？"
    rule = "请假3天及以上的由县驻村办和派出单位联合审批"
    assert rule not in nonws(book_without_encoder.ask(question).passages[0].text)
    assert rule in nonws(book.ask(question).passages[0].text)


def test_a_word_the_encoder_puts_close_to_the_passage_counts_as_partly_there(
    book_without_encoder: PocketBook, tmp_path: Path
) -> None:
    # "上推" and "例子" are not the document's words (推送, 案例): by words alone the passage holds
    # too little of the question, and the bot declines.
    question = "西峡各乡镇隔多久得往上推个典型例子？"
    rule = "各乡镇每半年至少推送一个典型案例"
    assert book_without_encoder.abstain_reason(question) == "coverage"
    # An encoder that puts both words next to that sentence (and knows nothing else) lets it answer.
    encoder = tmp_path / "encoder.json.gz"
    write_encoder(
        encoder,
        fingerprint=encoder_fingerprint(DEFAULT_CORPUS, DEFAULT_USERDICT, DEFAULT_EXPANSIONS),
        question_features=["w:上推", "w:例子"],
        question_rows=[[1.0, 0.0], [1.0, 0.0]],
        unit_keys=[f"关于进一步加强信息宣传工作的实施方案\t四、保障措施>（二）量化工作任务\t要抓好典型案例的总结和推广，{rule}。"],
        unit_rows=[[1.0, 0.0]],
    )
    answer = load_book(encoder=encoder).ask(question)
    assert not answer.abstained
    assert rule in nonws(answer.passages[0].text)


def test_an_encoder_that_does_not_fit_is_left_out(
    book_without_encoder: PocketBook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    question = "请假三天要谁批？"
    expected = [p.text for p in book_without_encoder.ask(question).passages]
    stale = tmp_path / "stale.json.gz"
    write_encoder(
        stale,
        fingerprint="trained on other documents",
        question_features=["w:请假"],
        question_rows=[[1.0, 0.0]],
        unit_keys=["a"],
        unit_rows=[[1.0, 0.0]],
    )
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(stale.read_bytes()[:40])
    for path in (stale, damaged, tmp_path / "missing.json.gz"):
        caplog.clear()
        book = load_book(encoder=path)
        assert [p.text for p in book.ask(question).passages] == expected
        assert "ranking by words alone" in caplog.text or "make encoder" in caplog.text


def test_an_encoder_file_round_trips(tmp_path: Path) -> None:
    weights = {
        "fingerprint": "f",
        "question_features": ["w:请假", "w:补助", "c:假"],
        "question_rows": [[0.9, 0.1, 0.0], [0.0, 0.2, 0.8], [0.5, 0.5, 0.0]],
        "unit_keys": ["leave", "allowance"],
        "unit_rows": [[1.0, 0.0, 0.0], [0.0, 0.0, 3.0]],
    }
    path = tmp_path / "encoder.json.gz"
    write_encoder(path, **weights)
    encoder = QuestionEncoder.load(path, "f")
    assert encoder is not None and encoder.dim == 3
    leave, allowance = encoder.unit_vector("leave"), encoder.unit_vector("allowance")
    assert allowance == pytest.approx([0.0, 0.0, 1.0], abs=0.01)  # stored vectors come back of unit length
    asked = encoder.encode(["w:请假", "c:假", "w:不认识"])  # an unknown feature is passed over
    assert asked is not None and leave is not None and cosine(asked, leave) > 0.9
    assert encoder.encode(["w:不认识"]) is None
    # The same weights give the same bytes: retraining on unchanged inputs leaves no diff.
    again = tmp_path / "again.json.gz"
    write_encoder(again, **weights)
    assert again.read_bytes() == path.read_bytes()


@pytest.fixture(scope="module")
def book_with_thresholds(cache_dir: Path) -> PocketBook:
    return load_book(params=Params(answer_model=()), cache_dir=cache_dir)


def test_the_answer_model_weighs_what_the_passage_holds_with_the_encoders_closeness(
    book: PocketBook, book_with_thresholds: PocketBook
) -> None:
    # The documents mention 低保 but give no amounts; a passage with an amount for something else
    # holds enough of the words to pass the thresholds, and the model (it sees how far the encoder
    # puts the question from it) declines.
    off_topic = "农村低保一个月能领多少钱？"
    assert not book_with_thresholds.ask(off_topic).abstained
    assert book.abstain_reason(off_topic) == "unlikely"
    # "五保户" and "重建" are not the document's words: by the thresholds the passage holds too
    # little of the question; the model answers, and rightly.
    colloquial = "一个人的五保户危房重建，最少盖多少平方？"
    assert book_with_thresholds.abstain_reason(colloquial) == "coverage"
    answer = book.ask(colloquial)
    assert not answer.abstained, answer.reason
    assert "1人户不得低于20平方" in nonws(answer.passages[0].text)


def test_the_answer_model_is_fitted_by_logistic_regression() -> None:
    # Points drawn from a known logistic model: the fit finds its weights again.
    rng = random.Random(0)
    truth = (-2.0, 3.0, -1.0)
    rows = []
    for _ in range(4000):
        x = (rng.random(), rng.random())
        odds = answer_odds(truth, x)
        rows.append((x, int(rng.random() < odds / (1 + odds))))
    assert fit_answer_model.fit(rows) == pytest.approx(truth, abs=0.35)


@pytest.fixture(scope="module")
def book_without_gaps(cache_dir: Path) -> PocketBook:
    return load_book(gaps=None, cache_dir=cache_dir)


@pytest.mark.parametrize(
    ("gap", "twin", "phrase"),
    [
        # The documents pay 协管员, not 公益岗 workers.
        ("公益岗一个月工资多少", "协管员一个月工资多少", "专职村级协管员工资原则上不低于一般村干部工资"),
        # They set 20 days a month in the village, but no deduction for fewer.
        ("南阳驻村干部一个月待不够20天会扣补贴吗？", "南阳驻村每个月最少在村里待几天？", "每月在村工作时间不少于20天"),
        # A gap that adds a word of its own is another question: 2022's reference income is given,
        # 2023's is not; 脱贫村 have a doctor every day, nothing is said of the other villages.
        ("2023年监测户排查收入按多少参考", "监测户排查收入按多少参考", "家庭年人均纯收入6900元为参考"),
        ("非脱贫村是不是天天有医生坐诊", "脱贫村是不是天天有医生坐诊", "确保脱贫村每天都有医生坐诊看病"),
    ],
)
def test_a_known_gap_is_not_answered_and_its_twin_is(
    book: PocketBook, book_without_gaps: PocketBook, gap: str, twin: str, phrase: str
) -> None:
    # The words alone find a passage on the neighbouring matter ...
    assert not book_without_gaps.ask(gap).abstained
    # ... the list of known gaps says the documents do not answer it ...
    assert book.ask(gap).reason == "gap"
    # ... and the question they do answer, worded alike, is still answered.
    answer = book.ask(twin)
    assert not answer.abstained
    assert phrase in nonws(answer.passages[0].text)


def test_an_answer_the_model_doubts_is_given_as_unsure(
    book: PocketBook, book_without_encoder: PocketBook, cache_dir: Path
) -> None:
    # The documents pay 驻镇工作人员 2000元 a month and say nothing of a village doctor's allowance:
    # the closest rule is shown, marked as possibly not the answer.
    doubtful = book.ask("村医一个月补助是多少？")
    assert not doubtful.abstained and doubtful.unsure
    clear = book.ask("协管员一个月工资多少")
    assert not clear.abstained and not clear.unsure
    # The answer model's odds decide it, and without the encoder there is no model to doubt with.
    assert not load_book(params=Params(sure_odds=0.0), cache_dir=cache_dir).ask("村医一个月补助是多少？").unsure
    assert not book_without_encoder.ask("村医一个月补助是多少？").unsure


def test_a_colloquial_phrase_inside_a_longer_word_is_not_read_as_that_phrase(book: PocketBook) -> None:
    # "能补" (can it be subsidised) is a synonym rule for 补助; inside "能补办" (can it be reissued)
    # it made a lost identity card look like a question on allowances, answered with one.
    assert book.ask("身份证掉了，在乡里能补办吗？").abstained
    assert book.ask("身份证丢了，去乡里能补办不？").abstained
    # The rule still reads the questions it is for.
    answer = book.ask("危房改造最多能补多少钱？")
    assert not answer.abstained, answer.reason
    assert "补助标准为15000元" in nonws(answer.passages[0].text)


def test_a_known_gap_naming_a_region_leaves_the_question_without_it_answered(book: PocketBook) -> None:
    # "达州C级危房修缮最多补多少" is a known gap (only 西峡 sets the amounts); a region's name is
    # not among a question's words, so it is checked on its own.
    answer = book.ask("C级危房修缮最多补多少钱？")
    assert not answer.abstained, answer.reason
    assert "补助标准为15000元（含15000元）以内" in nonws(answer.passages[0].text)


def test_the_known_gaps_file_reads_cleanly() -> None:
    gaps, problems = parse_gaps(DEFAULT_GAPS.read_text(encoding="utf-8"), DEFAULT_GAPS.name)
    assert problems == []
    assert len(gaps) == len(set(map(nonws, gaps)))
    # A question cannot be both answered by a sentence and known to be unanswered.
    known = {
        nonws(q)
        for path in DEFAULT_EXPANSIONS.glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for q in json.loads(line)["questions"]
    }
    assert known.isdisjoint(map(nonws, gaps))


def test_broken_gap_lines_are_reported_and_an_edit_is_picked_up(tmp_path: Path) -> None:
    gaps = tmp_path / "known_gaps.jsonl"
    gaps.write_text(
        '{"question": "公益岗一个月工资多少", "why": "只规定协管员工资"}\n'
        "not json\n"
        '{"question": ""}\n'
        '{"question": "' + "长" * 41 + '"}\n'
        '{"why": "no question"}\n',
        encoding="utf-8",
    )
    assert [p.split(":")[1] for p in parse_gaps(gaps.read_text(encoding="utf-8"), gaps.name)[1]] == ["2", "3", "4", "5"]
    cache = tmp_path / "cache"
    # Loading skips the broken lines and uses the good one.
    assert load_book(gaps=gaps, cache_dir=cache).ask("公益岗一个月工资多少").reason == "gap"
    # With the gap taken out of the file, the cached index is not reused.
    gaps.write_text('{"question": "养猪场环评要准备啥材料"}\n', encoding="utf-8")
    assert load_book(gaps=gaps, cache_dir=cache).ask("公益岗一个月工资多少").reason != "gap"

"""Rule profiles are data; the weekly target follows each region's document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import PROJECT_ROOT
from bot.services.rules import load_rulebook, meets_weekly, weekly_target
from bot.services.timeutil import IsoWeek
from bot.services.workdays import is_workday

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def test_every_profile_cites_its_document(rules):
    assert {"wutian_sive", "monthly_20", "workdays_two_thirds", "nonkey_monthly_10"} <= set(rules.profiles)
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    for profile in rules.profiles.values():
        for source in profile.sources:
            seed = "".join((SEEDS / source.seed).read_text(encoding="utf-8").split())
            assert "".join(source.quote.split()) in seed, (profile.key, source.quote)


def test_default_profile_is_five_days_four_nights(rules):
    target = weekly_target(rules.get(None), IsoWeek(2026, 48))
    assert (target.days, target.nights) == (5, 4)
    assert meets_weekly(target, days=5, nights=4, leave_days=0)
    assert not meets_weekly(target, days=5, nights=3, leave_days=0)
    assert meets_weekly(target, days=4, nights=3, leave_days=1)  # approved leave excuses a day and a night


def test_monthly_profiles_are_pro_rated_to_the_week(rules):
    assert weekly_target(rules.get("monthly_20"), IsoWeek(2026, 48)).days == 5  # ceil(20 * 7 / 30)
    assert weekly_target(rules.get("nonkey_monthly_10"), IsoWeek(2026, 48)).days == 3  # ceil(10 * 7 / 30)


def test_two_thirds_of_work_days_honours_holidays_and_make_up_days(rules):
    profile = rules.get("workdays_two_thirds")
    assert weekly_target(profile, IsoWeek(2026, 48)).days == 4  # 5 work days -> ceil(3.33)
    # 2026-W40: 1-4 October are National Day holidays, leaving 3 work days -> exactly 2.
    assert not is_workday(date(2026, 10, 1))
    assert weekly_target(profile, IsoWeek(2026, 40)).days == 2
    # 2026-W41: 5-7 October off, 8-9 October and the make-up Saturday 10 October worked -> 2.
    assert is_workday(date(2026, 10, 10))
    assert weekly_target(profile, IsoWeek(2026, 41)).days == 2
    # 2026-W42 is an ordinary week: ceil(2/3 * 5) = 4.
    assert weekly_target(profile, IsoWeek(2026, 42)).days == 4


def test_a_broken_profile_is_refused_with_its_file(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("key: bad\nname: x\nsummary: y\nrequirements: [{period: week}]\nsources: []\n")
    with pytest.raises(ValidationError):
        load_rulebook(tmp_path, "bad")


def test_unknown_default_profile_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="not found"):
        load_rulebook(tmp_path, "wutian_sive")

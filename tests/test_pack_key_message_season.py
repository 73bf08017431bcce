"""A GP reading the overview's key messages: "Better since H2 2025: antibiotic prescriptions (−8 %)" compared
different halves of the year for an indicator that varies with the season, and only the indicator's own page
said so. The key message says it beside the figure. Read from the printed group handouts of
tests/test_pack_reader.py (printed once a run)."""

from __future__ import annotations

import re

import pytest
from test_pack_reader import packs, printed_cases

from klyngedesk.core.render.wording import change_figure
from klyngedesk.i18n import tr

CASES = ("demo", "english-demo", "english-25")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    return printed_cases(tmp_path_factory)


@pytest.mark.parametrize("case", CASES)
def test_a_seasonal_change_in_a_key_message_says_part_may_be_the_season(printed, case: str) -> None:
    lang, pages = printed[case]
    overview = " ".join(pages[:3])
    season = tr("part of it may be the season", lang)
    checked = 0
    changes = [(ind.key, ind.change) for table in packs[case].anonymised for ind in table.indicators
               if ind.change is not None and ind.change.estimate[0] is not None]
    figures = [change_figure(c, lang, with_interval=False) for _, c in changes]
    for (key, change), figure in zip(changes, figures, strict=True):
        if "seasonal" not in change.caution or figures.count(figure) > 1:   # a figure two indicators share: unread
            continue
        bare = re.search(rf"\({re.escape(figure)}\)", overview)
        assert not bare, f"{case}: {key}: a key message prints '{bare[0]}' with no word of the season"
        checked += bool(re.search(rf"\({re.escape(figure)}; {re.escape(season)}\)", overview))
    if case == "demo":
        assert checked, "demo: no seasonal change in a key message (the test no longer tests anything)"

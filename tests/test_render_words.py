"""One thing, one word: the Danish texts call the counts that small-number suppression hides "skjulte tal"
everywhere (the methods page, the print report), never "skjulte antal" in one place and "skjulte tal" in another."""

from __future__ import annotations

import json
import re

from klyngedesk.resources import resource_path


def test_hidden_counts_have_one_danish_name() -> None:
    texts = [v for path in sorted(resource_path("i18n", "da").glob("*.json"))
             for v in json.loads(path.read_text(encoding="utf-8")).values() if isinstance(v, str)]
    other = [t for t in texts if re.search(r"\bskjulte? antal\b", t, re.IGNORECASE)]
    assert not other, other
    assert any("skjulte tal" in t for t in texts)

"""The member holding two documents at once: which code is a clinic whose rounds everybody knows.

Who joined the cluster, who left it and who did not send a round is no secret in a cluster: the members meet.
A pack prints, per code, which rounds have something (a value, "<5", "skjult") and which have nothing: the
current round, the baseline beside it and the trend's further rounds. `candidates` plays the member who
knows every clinic's rounds (granted: `present`, from the true counts) and reads only the anonymised JSON:
a code can be a clinic unless it shows something in a round the clinic has no value for. A clinic that did
not consent, something of whose is printed, must keep at least MIN_CANDIDATES codes it could be (the
disclosure report's rule for a list size: one that fits at most one other clinic singles it out).
"""

from __future__ import annotations

from attacker import _meta

MIN_CANDIDATES = 3   # the clinic and at least two others


def present(truth: dict[tuple[str, str, str], float], topic: str, key: str, period: str, clinic: str) -> bool:
    """Whether the clinic has the indicator's count in the round (a mark may stand beside a count of 0 of 0)."""
    return (period, _meta(topic)[key].numerator, clinic) in truth


def shown_rounds(pack: dict) -> dict[str, set[tuple[str, str]]]:
    """code -> the (indicator, round) columns in which the pack prints something for it (a value or a mark)."""
    out: dict[str, set[tuple[str, str]]] = {}
    cur, base = pack["period"], pack["compare"]
    for ind in pack["indicators"]:
        for row in ind["rows"]:
            seen = out.setdefault(row["code"], set())
            if row["value"] is not None or row["suppressed"]:
                seen.add((ind["key"], cur))
            if base and (row["baseline_value"] is not None or row.get("baseline_suppressed")):
                seen.add((ind["key"], base))
        for rt in ind.get("trend", ()):
            if rt["period"] in (cur, base):
                continue
            for code, value in ((x["code"], x["value"]) for x in rt["values"]):
                if value is not None or code in rt["hidden"]:
                    out.setdefault(code, set()).add((ind["key"], rt["period"]))
    return out


def told(pack: dict) -> dict[str, bool]:
    """code -> whether the pack prints a value of it, or a small count ("<5"): something about that clinic."""
    out: dict[str, bool] = {}
    for ind in pack["indicators"]:
        for row in ind["rows"]:
            small = row["suppressed"] and row.get("hidden_reason") == "small"
            out[row["code"]] = out.get(row["code"], False) or row["value"] is not None or small \
                or row["baseline_value"] is not None
        for rt in ind.get("trend", ()):
            for code, value in ((x["code"], x["value"]) for x in rt["values"]):
                out[code] = out.get(code, False) or value is not None
    return out


def candidates(pack: dict, topic: str, truth: dict[tuple[str, str, str], float], clinic_of: dict[str, str]
               ) -> dict[str, set[str]]:
    """Every clinic the pack tells something about, not shown by name -> the codes it can be, for a member who
    knows which clinic has a value in which round (shown by name: those codes are known to be others)."""
    shown = shown_rounds(pack)
    named = {r["code"] for ind in pack["indicators"] for r in ind["rows"] if r.get("clinic")}
    out = {}
    for code, tells in told(pack).items():
        clinic = clinic_of[code]
        if not tells or code in named:
            continue
        out[clinic] = {c for c, cols in shown.items() if c not in named
                       and all(present(truth, topic, key, period, clinic) for key, period in cols)}
        assert code in out[clinic], ("unsound", clinic, code)
    return out


def singled_out(pack: dict, topic: str, truth: dict[tuple[str, str, str], float], clinic_of: dict[str, str]
                ) -> dict[str, set[str]]:
    """The clinics left fewer than MIN_CANDIDATES codes, with the codes they can be."""
    return {c: codes for c, codes in candidates(pack, topic, truth, clinic_of).items() if len(codes) < MIN_CANDIDATES}


def by_totals(pack: dict, topic: str, truth: dict[tuple[str, str, str], float], clinic_of: dict[str, str],
              scale: dict[str, float]) -> dict[str, set[str]]:
    """Clinics a member finds by the totals: the pooled value's over the clinics with the current round, minus the
    change's over those with both (granted, as the JSON attacker is granted every printed total), is the count
    and denominator of the clinics with only the current round. Where that is one clinic not shown by name, its
    value is the difference's ratio: the codes printing that value (to the step) or hiding it are the ones it can
    be. `scale`: value = count x scale / denominator per indicator."""
    cur, base = pack["period"], pack["compare"]
    out: dict[str, set[str]] = {}
    if not base:
        return out
    for ind in pack["indicators"]:
        if ind["pooled"] is None or ind["change"] is None:
            continue
        now = {clinic_of[r["code"]] for r in ind["rows"] if present(truth, topic, ind["key"], cur, clinic_of[r["code"]])}
        both = {c for c in now if present(truth, topic, ind["key"], base, c)}
        only = now - both
        if len(only) != 1 or not both:
            continue
        (clinic,) = only
        row = next(r for r in ind["rows"] if clinic_of[r["code"]] == clinic)
        meta = _meta(topic)[ind["key"]]
        md = "_ls" if meta.denominator_kind == "list_size" else meta.denominator
        n, d = truth[(cur, meta.numerator, clinic)], truth.get((cur, md, clinic), 0.0)
        if row.get("clinic") or row["value"] is None or not d:
            continue
        value, half = n * scale[ind["key"]] / d, (ind.get("value_step") or 0.0) / 2 + 1e-6
        out[clinic] = {r["code"] for r in ind["rows"] if not r.get("clinic")
                       and (r["value"] is None and r["suppressed"] or r["value"] is not None
                            and abs(r["value"] - value) <= half + 1e-9 * max(1.0, abs(value)))}
    return {c: codes for c, codes in out.items() if len(codes) < MIN_CANDIDATES}

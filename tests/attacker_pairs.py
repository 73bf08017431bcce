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


def printed_values(pack: dict) -> dict[str, dict[tuple[str, str], tuple[float, float]]]:
    """code -> (indicator, round) -> the value the pack prints for it there (current, baseline, trend rounds)
    and half the indicator's rounding step (the mends coarsen a step per pack: one clinic's value of one round
    can print differently in two packs)."""
    out: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
    cur, base = pack["period"], pack["compare"]
    for ind in pack["indicators"]:
        half = (ind.get("value_step") or 0.0) / 2
        for row in ind["rows"]:
            got = out.setdefault(row["code"], {})
            if row["value"] is not None:
                got[(ind["key"], cur)] = (row["value"], half)
            if base and row["baseline_value"] is not None:
                got[(ind["key"], base)] = (row["baseline_value"], half)
        for rt in ind.get("trend", ()):
            for x in rt["values"]:
                if x["value"] is not None:
                    out.setdefault(x["code"], {}).setdefault((ind["key"], rt["period"]), (x["value"], half))
    return out


def _could_be(pack: dict, topic: str, truth: dict[tuple[str, str, str], float], clinic: str) -> set[str]:
    """The codes of the pack a clinic not shown by name can be by the rounds it has figures for."""
    named = {r["code"] for ind in pack["indicators"] for r in ind["rows"] if r.get("clinic")}
    return {c for c, cols in shown_rounds(pack).items() if c not in named
            and all(present(truth, topic, key, period, clinic) for key, period in cols)}


def across_packs(held: list[tuple[dict, dict[str, str]]], topic: str, truth: dict[tuple[str, str, str], float],
                 by_values: bool = True) -> dict[tuple[int, str], set[str]]:
    """The member holding every pack so far (pack, code -> clinic): per pack and clinic it tells something of,
    not shown by name, the codes it can be once the packs are linked. A code of one pack and a code of another
    are the same clinic only if every (indicator, round) both print a value for has the same value (to the steps); a clinic's
    codes in one pack are those matching some code it can be in each other pack (by name there: its code), and a
    code left to one clinic alone is no other clinic's. Repeated until nothing changes. `by_values` False: the
    rounds alone, in every pack (the values not matched)."""
    values = [printed_values(p) if by_values else {} for p, _ in held]
    cand: list[dict[str, set[str]]] = []
    for pack, clinic_of in held:
        named = {k: c for c, k in clinic_of.items()
                 if any(r.get("clinic") and r["code"] == c for ind in pack["indicators"] for r in ind["rows"])}
        cand.append({k: {named[k]} if k in named else _could_be(pack, topic, truth, k)
                     for k in clinic_of.values()})

    def same(i: int, a: str, j: int, b: str) -> bool:
        va, vb = values[i].get(a, {}), values[j].get(b, {})
        return all(abs(va[c][0] - vb[c][0]) <= va[c][1] + vb[c][1] + 1e-9 * max(1.0, abs(va[c][0]))
                   for c in va.keys() & vb.keys())

    changed = True
    while changed:
        changed = False
        for j in range(len(held)):
            for k in cand[j]:
                keep = {b for b in cand[j][k] if all(any(same(i, a, j, b) for a in cand[i][k])
                                                      for i in range(len(held)) if i != j and k in cand[i])}
                if keep != cand[j][k]:
                    cand[j][k], changed = keep, True
            for k in cand[j]:
                if len(cand[j][k]) == 1:
                    for other in cand[j]:
                        if other != k and cand[j][k] & cand[j][other]:
                            cand[j][other] = cand[j][other] - cand[j][k]
                            changed = True
    out = {}
    for j, (pack, clinic_of) in enumerate(held):
        tells = told(pack)
        for code, k in clinic_of.items():
            if tells.get(code) and not any(r.get("clinic") and r["code"] == code
                                           for ind in pack["indicators"] for r in ind["rows"]):
                assert code in cand[j][k], ("unsound", j, k, code)
                out[(j, k)] = cand[j][k]
    return out


def singled_out_across(held: list[tuple[dict, dict[str, str]]], topic: str, truth: dict[tuple[str, str, str], float]
                       ) -> dict[tuple[int, str], set[str]]:
    """(pack index, clinic) left fewer than MIN_CANDIDATES codes by every pack held together."""
    return {key: codes for key, codes in across_packs(held, topic, truth).items() if len(codes) < MIN_CANDIDATES}

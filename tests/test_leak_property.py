"""Property tests: however a name is disguised with invisible characters, case, width or a genitive, it is
found; numbers printed after a consenting clinic's name are never taken for its address."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.anonymise import LeakChecker
from klyngedesk.core.model import Clinic

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
SURNAMES = ["Holmgaard", "Brøndum", "Kjærsgaard", "Østergård", "Aagaard", "Fjeldsø", "Lundbæk"]
STREETS = ["Havnegade", "Bøgevej", "Åbrinken", "Søndergade", "Kastanievej"]


def disguise(draw: st.DrawFn, word: str) -> str:
    """The word with invisible characters inside, each letter in any case, maybe full-width, maybe a genitive."""
    out = []
    for ch in word:
        ch = ch.upper() if draw(st.booleans()) else ch.lower()
        if draw(st.integers(0, 9)) == 0 and "a" <= ch.lower() <= "z":
            ch = chr(ord(ch) + 0xFEE0)            # full-width form, folded back by NFKC
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out) + draw(st.sampled_from(["", "s", "'s", "’s"]))


@st.composite
def disguised_case(draw: st.DrawFn) -> tuple[Clinic, str, str]:
    surname, street = draw(st.sampled_from(SURNAMES)), draw(st.sampled_from(STREETS))
    clinic = Clinic("X", f"Lægehuset {street}", "0" + str(draw(st.integers(10000, 99999))),
                    f"{street} {draw(st.integers(1, 99))}, 8999 Fjordby", doctors=(f"Anne {surname}",))
    kind = draw(st.sampled_from(["name_word", "doctor_surname", "yder"]))
    if kind == "yder":
        digits = clinic.yder.lstrip("0") if draw(st.booleans()) else clinic.yder
        sep = draw(st.sampled_from(["", " ", ".", "-"]))
        hidden = sep.join(digits[i:i + 2] for i in range(0, len(digits), 2)) if sep else digits
    else:
        hidden = disguise(draw, street if kind == "name_word" else surname)
    before = draw(st.sampled_from(["Se ", "Tal fra ", "• ", "1. ", "("]))
    after = draw(st.sampled_from([" har rettet tallene.", ")", ", 19,2 %", "\n", ""]))
    return clinic, kind, f"{before}{hidden}{after}"


@settings(max_examples=300, deadline=None)
@given(disguised_case())
def test_a_disguised_identity_is_always_found(case: tuple[Clinic, str, str]) -> None:
    clinic, kind, text = case
    others = [Clinic("Y", "Lægerne Nummer To", "900001"), Clinic("Z", "Lægerne Nummer Tre", "900002")]
    found = {(leak.clinic, leak.kind) for leak in LeakChecker([clinic, *others]).find(text)}
    assert ("X", kind) in found, text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(STREETS), st.integers(1, 99), st.lists(
    st.one_of(st.integers(0, 9999).map(str), st.floats(0, 999, allow_nan=False).map(lambda v: f"{v:.1f}".replace(".", ","))),
    min_size=1, max_size=6))
def test_values_after_a_consenting_name_are_not_its_address(street: str, number: int, values: list[str]) -> None:
    clinic = Clinic("X", f"Lægeklinikken {street}", "123456", f"{street} {number}, 8999 Fjordby")
    checker = LeakChecker([clinic], consenting={"X"})
    assert checker.find(f"Lægeklinikken {street}  {'  '.join(values)}") == []

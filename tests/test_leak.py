"""The leak check as an attacker tries it: spellings that hide a name, and the healthy text it must let through."""

from __future__ import annotations

import pytest

from klyngedesk.core.anonymise import IdentityLeak, LeakChecker
from klyngedesk.core.anonymise.leak import normalise, tokens
from klyngedesk.core.model import Clinic

HAVNEGADE = Clinic("K1", "Lægehuset Havnegade", "012345", "Havnegade 4, 8999 Fjordby", "kontakt@havnegade-laeger.dk",
                   "Ganglion", doctors=("Anne Marie Holmgaard", "Søren Brøndum"))
HOLM_BOEG = Clinic("K2", "Lægerne Holm & Bøg", "223344", "Torvet 2, 8999 Fjordby", doctors=("Jens Kjærsgaard",))
BOEGEVEJ = Clinic("K3", "Lægeklinikken Bøgevej", "334455", "Bøgevej 19, 8999 Fjordby", doctors=("Ida Lund",),
                  ehr_system="XMO")
OTHERS = [Clinic(f"K{i}", f"Lægepraksis Nummer{i}", f"90000{i}", ehr_system="XMO") for i in range(4, 7)]
CLINICS = [HAVNEGADE, HOLM_BOEG, BOEGEVEJ, *OTHERS]


@pytest.fixture
def group() -> LeakChecker:
    """Group material of a meeting where only Lægeklinikken Bøgevej consented to be named."""
    return LeakChecker(CLINICS, consenting={"K3"}, common_words=["Fjordby"])


def kinds(checker: LeakChecker, text: str) -> set[tuple[str, str]]:
    return {(leak.clinic, leak.kind) for leak in checker.find(text)}


@pytest.mark.parametrize("text, clinic, kind", [
    ("Havnegades læger har haft travlt", "K1", "name_word"),                 # Danish genitive
    ("Lægehuset Havnegades tal", "K1", "name"),                              # genitive of the whole name
    ("Havnegade's patienter", "K1", "name_word"),                            # genitive with apostrophe
    ("Spørg dr. Holmgaard om tallene", "K1", "doctor_surname"),              # surname alone
    ("dr. Holmgaards patienter", "K1", "doctor_surname"),                    # genitive surname
    ("Anne Holmgaard fortalte", "K1", "doctor"),                             # without the middle name
    ("Lægehuset Havne\u00adgade", "K1", "name"),                             # soft hyphen inside a name
    ("Havne\u200bgade", "K1", "name_word"),                                  # zero-width space
    ("Holm\u200dgaard og Brøn\ufeffdum", "K1", "doctor_surname"),           # zero-width joiner, BOM
    ("Lægerne Holm & Bøg", "K2", "name"),                                    # '&' in a name
    ("Lægerne Holm og Bøg", "K2", "name"),                                   # ... written with 'og'
    ("ydernummer 12345", "K1", "yder"),                                      # without the leading zero
    ("ydernr. 012 345", "K1", "yder"),
    ("ydernr. 01.23.45", "K1", "yder"),
    ("LÆGEHUSET HAVNEGADE", "K1", "name"),                                   # case
    ("Ｈａｖｎｅｇａｄｅ", "K1", "name_word"),                                  # full-width letters (NFKC)
    ("Kjaersgaard", "K2", "doctor_surname"),                                 # æ written as ae
    ("Havnegade 4", "K1", "address"),
    ("Lægeklinikken Bøgevej, Bøgevej 19", "K3", "address"),                  # a consenting clinic's address
    ("skriv til havnegade-laeger.dk", "K1", "email"),
    ("eksport fra Ganglion", "K1", "ehr"),                                   # an EHR system only K1 uses
])
def test_hidden_spellings_of_an_identity_are_found(group: LeakChecker, text: str, clinic: str, kind: str) -> None:
    assert (clinic, kind) in kinds(group, text), text


@pytest.mark.parametrize("text", [
    "Lægeklinikken Bøgevej  19,2",          # a consenting clinic's name followed by its value
    "Lægeklinikken Bøgevej 19 4.200",        # ... or by a count that equals its house number
    "Lægeklinikken Bøgevejs tal",           # its name in the genitive
    "Tak til Lægeklinikken Bøgevej og Ida Lund",
    "Data fra XMO er trukket i august",     # an EHR system used by four clinics identifies none
    "Bøgevej 19,5 % og 12.345,6 og 0,12345",  # decimals are not addresses or yder numbers
    "Lægehuset og praksis, klinikken; Fjordby Sundhedshus",
])
def test_healthy_text_passes(group: LeakChecker, text: str) -> None:
    assert group.find(text) == []


def test_a_consenting_name_forgives_nothing_beyond_itself(group: LeakChecker) -> None:
    assert ("K3", "address") in kinds(group, "Bøgevej 19")        # the address alone is still an address
    assert ("K3", "yder") in kinds(group, "Lægeklinikken Bøgevej 334455")


def test_personal_material_may_name_only_its_own_clinic() -> None:
    own = LeakChecker(CLINICS, own="K1")
    assert own.find("Lægehuset Havnegade, Havnegade 4, ydernummer 012345, dr. Holmgaard") == []
    assert ("K3", "name") in kinds(own, "Som Lægeklinikken Bøgevej")   # another clinic, consenting or not
    assert ("K2", "name") in kinds(own, "Lægerne Holm & Bøg")


def test_check_names_the_kind_in_danish_and_never_echoes_the_text(group: LeakChecker) -> None:
    with pytest.raises(IdentityLeak) as caught:
        group.check(["intet her", "Spørg dr. Holmgaard"])
    message = caught.value.message("da")
    assert "en læges efternavn" in message and "Holmgaard" not in message
    assert "a doctor's surname" in caught.value.message("en")


def test_normalisation_removes_invisible_characters_and_folds_danish_letters() -> None:
    assert normalise("Ha\u00advne\u200bgade\u2060") == "havnegade"
    assert tokens("Åbrinken 19,2 & Holm") == ["aabrinken", "19,2", "og", "holm"]


def test_a_long_text_is_scanned_in_one_pass(group: LeakChecker) -> None:
    """Thousands of words and all clinics: the scan walks the text once (no loop per identity string)."""
    text = " ".join(["Lægeklinikken Bøgevej 19,2 og værdier"] * 4000) + " dr. Holmgaard"
    assert kinds(group, text) == {("K1", "doctor_surname")}


# Clinics whose names share a long beginning; only "nr. 1" (code F) consented to be named.
ALIKE = [Clinic(f"S{i}", f"Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. {i}", f"7{i:05d}")
         for i in range(1, 13)]
NORDRE = Clinic("N1", "Lægefællesskabet Nordre Skovbrynsallé", "800001")
ALIKE_CODES = {"S1": "F", "N1": "B", **{f"S{i}": "ACDEGHIJKLM"[i - 2] for i in range(2, 13)}}


@pytest.fixture
def alike() -> LeakChecker:
    return LeakChecker([*ALIKE, NORDRE], consenting={"S1"}, codes=ALIKE_CODES)


@pytest.mark.parametrize("text", [
    "Lægefællesskabet Søndre Skovbrynsallé… (F) 3,5 – 4.000–5.999",    # a chart's row: the name cut, its code
    "Lægefællesskabet Søndre Skovbrynsall… (F) 4,0",                   # ... cut inside a word
    "Lægefællesskab… (F)\nM",                                          # ... a short label
    "Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. 1 (F)",   # the whole name
])
def test_a_consenting_name_cut_short_as_a_chart_cuts_it_passes(alike: LeakChecker, text: str) -> None:
    """It prints only words of the consenting clinic's name, though every clinic's name begins with them."""
    assert alike.find(text) == []


@pytest.mark.parametrize("text, clinic", [
    ("Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. 10 (F)", "S10"),   # whole name
    ("Lægefællesskabet Søndre Skovbrynsallé… (A)", "S2"),              # cut before a clinic's code not named
    ("Lægefællesskabet Søndre Skovbrynsallé…", "S2"),                  # cut, no code: whose row?
    ("Lægefællesskabet Søndre Skovbrynsallé… nr. 10", "S10"),          # cut, then more than a code
    ("Lægefællesskabet Søndre Skovbrynsallé… (nr. 10)", "S10"),
    ("Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. 10… (F)", "S10"),  # after "10"
    ("Søndre Skovbrynsallé… (F)", "S2"),                               # not the name's beginning
    ("Lægefællesskabet Nordre… (F)", "N1"),                            # the beginning of another name
    ("Lægefællesskabet Nordre Skovbrynsallé", "N1"),
])
def test_a_name_cut_short_forgives_only_the_words_of_an_allowed_name(alike: LeakChecker, text: str,
                                                                     clinic: str) -> None:
    assert clinic in {leak.clinic for leak in alike.find(text)}, text


def test_a_cut_name_forgives_nothing_after_it(alike: LeakChecker) -> None:
    assert ("S2", "name_word") in kinds(alike, "Lægefællesskabet Søndre… (F) og Kirkebakkegårdens tal")
    assert ("S1", "yder") in kinds(alike, "Lægefællesskabet Søndre… (F) 700001")


def test_a_personal_handout_forgives_only_its_own_name_cut_short() -> None:
    own = LeakChecker([*ALIKE, NORDRE], codes=ALIKE_CODES).for_own("S3")
    assert own.find("Lægefællesskabet Søndre Skovbrynsallé… (C)") == []
    assert ("S2", "name_word") in kinds(own, "Lægefællesskabet Søndre Skovbrynsallé… (F)")   # consenting: not here
    assert ("S1", "name") in kinds(own, "Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. 1")


def test_without_the_codes_a_cut_name_passes_before_any_code_only() -> None:
    checker = LeakChecker([*ALIKE, NORDRE], consenting={"S1"})
    assert checker.find("Lægefællesskabet Søndre… (A)") == []
    assert ("S2", "name_word") in kinds(checker, "Lægefællesskabet Søndre… og mere")

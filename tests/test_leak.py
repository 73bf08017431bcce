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

"""Location tokens: genuine ones name their location; forged, altered, retired ones are refused."""

import pytest
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.qr import tokens
from safety_service.qr.tokens import InvalidKeyring, RejectReason, TokenRejected
from tests.conftest import make_settings
from tests.locations.builders import make_location

OLD, NEW = "k1:" + "o" * 32, "k2:" + "n" * 32


def _reason(ring: tokens.Keyring, token: str) -> RejectReason:
    with pytest.raises(TokenRejected) as caught:
        tokens.verify(ring, token)
    return caught.value.reason


def test_a_signed_token_names_its_location_and_the_url_is_short() -> None:
    settings = make_settings("sqlite://", public_url="https://safety.tianchen-mine.cn/")
    url = tokens.report_url(settings, "PH-1.east")
    assert url.startswith("https://safety.tianchen-mine.cn/r/PH-1.east.k0.") and len(url) < 80
    assert tokens.verify(tokens.keyring(settings), url.rsplit("/", 1)[1]) == "PH-1.east"


@pytest.mark.parametrize("tamper", [
    lambda t: t.replace("PH-1", "PH-2"),                    # another location, same signature
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),      # one character of the signature changed
    lambda t: t.rsplit(".", 1)[0] + "." + "A" * 16,         # a made-up signature
])
def test_an_altered_or_forged_token_is_refused(tamper) -> None:
    ring = tokens.keyring(make_settings("sqlite://"))
    assert _reason(ring, tamper(tokens.sign(ring, "PH-1"))) == RejectReason.bad_signature


def test_a_token_signed_with_another_secret_is_refused() -> None:
    forger = tokens.keyring(make_settings("sqlite://", secret_key="someone-else-" + "y" * 40))
    assert _reason(tokens.keyring(make_settings("sqlite://")), tokens.sign(forger, "PH-1")) == \
        RejectReason.bad_signature


@pytest.mark.parametrize("token", ["", "PH-1", "PH-1.k1", "PH-1..AAAAAAAAAAAAAAAA", ".k1.AAAAAAAAAAAAAAAA",
                                   "PH-1.k1.short", "PH 1.k1.AAAAAAAAAAAAAAAA", "x" * 300])
def test_garbage_is_malformed(token: str) -> None:
    assert _reason(tokens.keyring(make_settings("sqlite://")), token) == RejectReason.malformed


def test_rotation_old_prints_work_while_their_key_is_listed_and_stop_when_it_is_retired() -> None:
    before = tokens.keyring(make_settings("sqlite://", qr_keys=OLD))
    old_print = tokens.sign(before, "PH-1")
    during = tokens.keyring(make_settings("sqlite://", qr_keys=f"{NEW},{OLD}"))
    new_print = tokens.sign(during, "PH-1")
    assert new_print.split(".")[1] == "k2" and tokens.verify(during, old_print) == "PH-1"
    after = tokens.keyring(make_settings("sqlite://", qr_keys=NEW))
    assert tokens.verify(after, new_print) == "PH-1"
    assert _reason(after, old_print) == RejectReason.unknown_key


@pytest.mark.parametrize("keys", ["k1", "k1:short", "bad id!:" + "s" * 20, f"{OLD},{OLD}"])
def test_a_bad_key_list_is_refused_with_a_message(keys: str) -> None:
    with pytest.raises(InvalidKeyring, match="SAFETY_QR_KEYS"):
        tokens.keyring(make_settings("sqlite://", qr_keys=keys))


def test_a_retired_location_is_refused(session: Session, settings: Settings) -> None:
    location = make_location(session)
    assert tokens.active_location(session, location.code).id == location.id
    location.active = False
    session.add(location)
    session.flush()
    with pytest.raises(TokenRejected) as caught:
        tokens.active_location(session, location.code)
    assert caught.value.reason == RejectReason.retired_location
    with pytest.raises(TokenRejected):
        tokens.active_location(session, "NO-SUCH-PLACE")

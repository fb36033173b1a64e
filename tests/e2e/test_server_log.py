"""After every other browser test: the portal's own output (application and
access log) holds no child's name, date of birth or NHS number (SECURITY 27, 31)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.families_helpers import SURNAMES_USED
from tests.support.processes import Process


@pytest.mark.after_all_browser_tests
def test_no_personal_data_reaches_the_server_log(portal_server: Process) -> None:
    log = "".join(portal_server.output)
    assert "POST /families/find" in log  # the searches did reach this server
    assert SURNAMES_USED, "the family tests ran first and typed surnames"
    # Sign-in callbacks carry random codes and states that can spell "liz" by chance.
    without_tokens = re.sub(r"\b(code|state|nonce)=[A-Za-z0-9_\-]+", r"\1=TOKEN", log)
    for name in [*SURNAMES_USED, "Elizabeth", "Liz"]:
        found = re.search(rf"\b{re.escape(name)}\b", without_tokens, re.IGNORECASE)
        assert found is None, f"{name!r} appears in the server log"
    assert not re.search(r"dob-|given_names|family_name|nhs_number", log)
    assert not re.search(r"\b\d{3} ?\d{3} ?\d{4}\b", log)  # anything like an NHS number

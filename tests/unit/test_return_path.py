"""After sign-in the portal returns only to a path on this site (no open redirect)."""

import pytest

from portal.auth.controllers import _safe_return_path


@pytest.mark.parametrize("path", ["/", "/derby/", "/families/12?tab=plan"])
def test_local_paths_are_kept(path: str) -> None:
    assert _safe_return_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/x\n",
        "evil",
    ],
)
def test_anything_else_goes_home(path: str | None) -> None:
    assert _safe_return_path(path) == "/"

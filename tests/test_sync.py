"""The offline protocol helpers: fingerprints, replays and version checks."""

import pytest
from werkzeug.datastructures import MultiDict

from webapp.sync.protocol import (
    StaleVersion,
    check_version,
    fingerprint,
    is_client_id,
    new_client_id,
)


def test_fingerprint_ignores_csrf_and_client_id_but_not_the_content():
    """A replay with a fresh CSRF token matches; a changed field does not."""
    first = MultiDict({"name": "张三", "csrf_token": "a", "client_id": "x"})
    replay = MultiDict({"name": "张三", "csrf_token": "b", "client_id": "x"})
    changed = MultiDict({"name": "李四", "csrf_token": "a", "client_id": "x"})
    assert fingerprint(first) == fingerprint(replay)
    assert fingerprint(first) != fingerprint(changed)


def test_client_ids_are_uuids():
    """Only well-formed ids are accepted."""
    assert is_client_id(new_client_id())
    assert not is_client_id("1; DROP TABLE")
    assert not is_client_id(None)


class Row:
    version = 3


def test_check_version_bumps_or_raises():
    """The right version is bumped; an old or missing one raises with the current row."""
    row = Row()
    check_version(row, "3")
    assert row.version == 4
    with pytest.raises(StaleVersion) as raised:
        check_version(row, 3)
    assert raised.value.current is row and raised.value.submitted_version == 3
    with pytest.raises(StaleVersion):
        check_version(row, "not a number")

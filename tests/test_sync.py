"""The offline protocol helpers: fingerprints, replays and version checks."""

from werkzeug.datastructures import MultiDict

from webapp.sync.protocol import (
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

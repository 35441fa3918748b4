"""SME sheets through the phone's outbox: replays, needs-attention answers, precached pages."""

import uuid

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.customers.test_sheets import GOOD_CODE, _one, _sme
from tests.factories import make_customer
from webapp.auth.models import Role
from webapp.customers.models import Customer, CustomerKind
from webapp.extensions import db as _db
from webapp.sync.protocol import REPLAY_HEADER

REPLAY = {REPLAY_HEADER: "1"}


def _edit(base: dict, **over) -> dict:
    data = {k: v for k, v in base.items() if k != "client_id"}
    data.update(over)
    return data


def test_a_replayed_sheet_edit_is_not_taken_for_a_conflict(app, client, login_as):
    """The same edit sent twice (its answer was lost): saved once, the second is a no-op 303."""
    login_as(Role.CORPORATE_AM)
    client.post_form("/customers/new/sme", _sme())
    customer = _one(app, credit_code=GOOD_CODE)
    url = f"/customers/{customer.id}/edit"
    edit = _edit(_sme(), version="1", address="东方路99号", client_id=str(uuid.uuid4()))
    assert client.post_form(url, edit).status_code == 303
    again = client.post_form(url, edit, headers=REPLAY)
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/{customer.id}")
    saved = _one(app, id=customer.id)
    assert saved.version == 2 and saved.sme_sheet.address == "东方路99号"
    assert saved.last_edit_id == edit["client_id"]
    # A different edit from the same old version is a real conflict.
    other = {**edit, "client_id": str(uuid.uuid4()), "address": "世纪大道8号"}
    conflict = client.post_form(url, other)
    assert conflict.status_code == 409
    assert f'name="client_id" value="{other["client_id"]}"' in conflict.get_data(as_text=True)


def test_invalid_sheet_input_on_replay_needs_attention(app, client, login_as, branch):
    """A person gets 200 with the message; the outbox's replay gets 422 (kept, needs attention)."""
    me = login_as(Role.CORPORATE_AM)
    bad = _sme(mobile="12345")
    assert client.post_form("/customers/new/sme", bad).status_code == 200
    replay = client.post_form("/customers/new/sme", bad, headers=REPLAY)
    html = replay.get_data(as_text=True)
    assert replay.status_code == 422 and "field__error" in html and 'value="12345"' in html
    assert f'value="{bad["client_id"]}"' in html and "data-fresh-id" not in html
    customer = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME)
    url = f"/customers/{customer.id}/edit"
    edit_id = str(uuid.uuid4())
    edit = _edit(_sme(), name="", version="1", client_id=edit_id)
    answer = client.post_form(url, edit, headers=REPLAY)
    assert answer.status_code == 422
    assert f'name="client_id" value="{edit_id}"' in answer.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Customer)) == 1


def test_sheet_forms_are_offline_capable(app, client, login_as, branch):
    """The create form has a fresh id, the edit form an empty one the page fills; both queue."""
    me = login_as(Role.CORPORATE_AM)
    new = client.get("/customers/new/sme").get_data(as_text=True)
    assert "data-offline" in new and "data-fresh-id" in new
    customer = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME)
    edit = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    assert "data-offline" in edit and '<input type="hidden" name="client_id" value="">' in edit


def test_precache_keeps_the_sme_form_recent_sheets_and_the_kit(app, client, login_as, branch):
    """The phone keeps the new-sheet pages, the last opened SME sheets (and says which), the kit."""
    me = login_as(Role.CORPORATE_AM)
    opened = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME, name="恒信商贸")
    never = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME, name="未打开公司")
    person = make_customer(branch, owner_id=me.id, name="王芳")
    for customer in (opened, person):
        client.get(f"/customers/{customer.id}")
    pages = client.get("/sync/precache").get_json()["pages"]
    assert "/customers/new" in pages and "/customers/new/sme" in pages
    assert f"/customers/{opened.id}/edit" in pages
    assert f"/customers/{opened.id}" not in pages  # fetching it would write an audit row
    assert (
        f"/customers/{never.id}/edit" not in pages and f"/customers/{person.id}/edit" not in pages
    )
    assert "/kit/" in pages
    index = text_of(client.get("/customers/"))
    assert "本机可离线修改" in index and "恒信商贸" in index.split("本机可离线修改")[1]
    assert "未打开公司" not in index.split("本机可离线修改")[1]


def test_a_teller_keeps_no_sheet_to_edit(client, login_as):
    """Tellers create sheets but edit none: the create form is kept, no edit pages."""
    login_as(Role.TELLER)
    pages = client.get("/sync/precache").get_json()["pages"]
    assert "/customers/new/sme" in pages
    assert not [p for p in pages if p.endswith("/edit")]

"""Every full view of a customer is audited, with why it was served (issue 17, item 8)."""

from sqlalchemy import select

from tests.customers.test_sheets import _sme
from tests.factories import make_customer
from webapp.auth.models import Role
from webapp.customers.models import CustomerKind, CustomerView, ViewReason
from webapp.customers.services import PRECACHE_HEADER
from webapp.extensions import db as _db
from webapp.sync.protocol import REPLAY_HEADER

PRECACHE = {PRECACHE_HEADER: "1"}
LIST = "/customers/"  # where the tests take a CSRF token from (the edit form is itself a view)


def _views(app) -> list[tuple[int, int, ViewReason]]:
    with app.app_context():
        rows = _db.session.scalars(select(CustomerView).order_by(CustomerView.id))
        return [(v.customer_id, v.staff_id, v.reason) for v in rows]


def test_the_edit_form_is_a_full_view_and_audited(app, client, login_as, branch):
    """GET /customers/<id>/edit shows the whole mobile: one audit row, reason "edit form"."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id, mobile="13711112222")
    page = client.get(f"/customers/{customer.id}/edit")
    assert "13711112222" in page.get_data(as_text=True)
    assert _views(app) == [(customer.id, me.id, ViewReason.EDIT_FORM)]


def test_opening_the_sheet_is_audited_as_opened(app, client, login_as, branch):
    """The sheet itself keeps its reason: opened."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    client.get(f"/customers/{customer.id}")
    assert _views(app) == [(customer.id, me.id, ViewReason.OPENED)]


def test_the_service_workers_precache_is_audited_with_that_reason(app, client, login_as, branch):
    """The phone keeps the edit forms of recent SME sheets: each fetch is a row, reason precache,
    and a precached form does not count as the person opening the sheet again."""
    me = login_as(Role.CORPORATE_AM)
    sme = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME, name="恒信商贸")
    client.get(f"/customers/{sme.id}")
    pages = client.get("/sync/precache", headers=PRECACHE).get_json()["pages"]
    for url in pages:
        client.get(url, headers=PRECACHE)
    assert f"/customers/{sme.id}/edit" in pages
    assert _views(app) == [
        (sme.id, me.id, ViewReason.OPENED),
        (sme.id, me.id, ViewReason.PRECACHE),
    ]
    client.get(f"/customers/{sme.id}", headers=PRECACHE)
    assert _views(app)[-1] == (sme.id, me.id, ViewReason.PRECACHE)


def test_a_conflict_page_is_audited(app, client, login_as, branch):
    """A stale edit's conflict page shows the stored sheet: audited as conflict, online and when
    the outbox replays it."""
    me = login_as(Role.CORPORATE_AM)
    customer = make_customer(branch, owner_id=me.id, kind=CustomerKind.SME, mobile="13812345678")
    url = f"/customers/{customer.id}/edit"
    base = {k: v for k, v in _sme().items() if k != "client_id"}
    saved = client.post_form(url, {**base, "version": "1", "address": "世纪大道8号"}, page=LIST)
    assert saved.status_code == 303 and _views(app) == []
    stale = client.post_form(url, {**base, "version": "1", "address": "东方路99号"}, page=LIST)
    assert stale.status_code == 409 and "世纪大道8号" in stale.get_data(as_text=True)
    replayed = client.post_form(
        url,
        {**base, "version": "1", "address": "东方路1号"},
        page=LIST,
        headers={REPLAY_HEADER: "1"},
    )
    assert replayed.status_code == 409
    assert _views(app) == [(customer.id, me.id, ViewReason.CONFLICT)] * 2


def test_the_worker_says_when_it_fetches_for_the_precache(client):
    """The worker as served carries the header the server audits by, and its precache fetch
    sends it (the browser test sees the audit row it makes)."""
    worker = client.get("/sw.js").get_data(as_text=True)
    assert f'"precacheHeader": "{PRECACHE_HEADER}"' in worker
    keep = worker[worker.index("async function fetchAndKeep") :]
    keep = keep[: keep.index("\n}\n")]
    assert '[PROTOCOL.precacheHeader]: "1"' in keep

"""The outbox's words on a phone (issue 20, item 9): a saved card once its item is sent, the
pages the phone keeps listed once each, one word on the sync state."""

from playwright.sync_api import expect

from tests.browser.conftest import ready
from tests.browser.test_offline import submit_visit, unique, visits, wait_outbox_empty, wait_until


def test_the_saved_card_no_longer_says_saved_once_its_item_has_synced(
    page, context, live_app, shots
):
    """Offline the card says 已保存在本机; once the visit reaches the branch it says so instead."""
    ready(page)
    context.set_offline(True)
    name = unique()
    submit_visit(page, name)
    card = page.locator("[data-outbox-saved]")
    expect(card).to_contain_text("已保存在本机")
    context.set_offline(False)
    wait_outbox_empty(page)
    assert len(visits(live_app, name)) == 1
    expect(card).not_to_contain_text("已保存在本机")
    expect(card).to_contain_text("已同步")
    expect(card.get_by_role("link", name="查看待同步")).to_be_hidden()
    page.screenshot(path=shots / "outbox-saved-card-sent-phone.png", full_page=True)


def test_the_outbox_page_lists_each_kept_page_once_and_one_sync_state(page, shots):
    """After the kit is kept (each product with its present mode), the outbox page names each
    product once; with nothing waiting and no sync yet it says only that nothing is waiting."""
    ready(page, "/kit/", username="wealth1")
    urls = page.evaluate("fetch('/sync/precache').then(r => r.json()).then(d => d.pages)")
    presents = [u for u in urls if "/present/" in u]
    assert presents
    for url in presents:
        wait_until(
            page, f"() => caches.open('pages-v1').then(c => c.match('{url}')).then(r => !!r)"
        )
    page.goto("/sync/outbox")
    kept = page.locator("[data-offline-pages] a")
    expect(kept.first).to_be_visible()
    titles = kept.all_inner_texts()
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
    outbox = page.locator("#outbox")
    expect(outbox).to_contain_text("没有待同步的记录")
    expect(outbox).not_to_contain_text("本机尚未同步")
    page.screenshot(path=shots / "outbox-page-phone.png", full_page=True)

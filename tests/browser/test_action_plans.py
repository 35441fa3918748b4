"""Action plans reach the people they name, on phones (390x844): the branch manager writes a
plan for a teller or a wealth manager, that person finds it on Today and records progress, the
manager reads the note and the plan's effect in the monthly report, a colleague cannot open it."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import phone, sign_in
from webapp.auth.models import Staff
from webapp.coaching.models import ActionPlan, ActionPlanNote, PlanStatus
from webapp.extensions import db
from webapp.figures.effect import effect
from webapp.timeutil import local_today, utc_to_local

PEOPLE = {
    # The person named, their name, a colleague of the same branch, the plan's template and its
    # figure (a template fills the figure; without one the manager picks it).
    "teller": ("teller1", "吴佳琪", "teller2", "referrals", "referrals_given", "每周引见数"),
    "wealth-manager": ("wealth1", "林晓燕", "wealth2", None, "sales_count", "每周成交笔数"),
}


def _staff_id(live_app, username: str) -> int:
    with live_app.app_context():
        return db.session.scalar(select(Staff.id).where(Staff.username == username))


def _expected_effect(live_app, plan_id: int) -> dict:
    """The plan's figure before, during and after it, read from the records."""
    with live_app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        started = utc_to_local(plan.created_at).date()
        return effect(plan.owner_id, plan.metric, started, plan.due_on)


def _expect_effect(block, figures: dict, label: str) -> None:
    """The before/during/after block shows the figure's name and the rates from the records."""
    expect(block.locator(".plan-effect__title")).to_have_text(label)
    for key, period in figures.items():
        shown = block.locator(f"[data-effect={key}]")
        if period is None:
            expect(shown).to_have_text("尚未开始")
        else:
            days = (period.end - period.start).days
            expect(shown).to_have_text(f"{period.per_week} ({days} 天共 {period.count})")


@pytest.mark.parametrize("who", PEOPLE)
def test_a_plan_reaches_the_person_it_names_on_their_phone(
    browser, live_server, live_app, shots, who
):
    """Manager writes it (from a template for the teller), the person sees it on Today and
    records progress (进行中), the manager reads the note and the monthly report's effect; a
    colleague is refused (403), another branch does not find it (404)."""
    username, name, colleague, template, metric, metric_label = PEOPLE[who]
    token = uuid.uuid4().hex[:8]
    what = f"行动计划{token}：每天向两位客户做需求提问"
    note = f"本周已引见{token}位客户"
    with live_app.app_context():
        due = local_today() + timedelta(days=6)
    person_id = _staff_id(live_app, username)

    # 1. The branch manager, on a phone, writes the plan.
    manager = phone(browser, live_server)
    boss = manager.new_page()
    sign_in(boss, "manager")
    boss.goto("/coaching/action-plans/")
    if template:
        boss.get_by_role("link", name="提高内部引见").click()
        expect(boss).to_have_url(re.compile(rf"\?template={template}"))
        # The template fills does-what, the effect and the figure; the manager picks who and when.
        expect(boss.locator("input[name=what]")).not_to_have_value("")
        expect(boss.locator("input[name=expected_effect]")).to_have_value("每周内部引见10位")
        expect(boss.locator("select[name=metric]")).to_have_value(metric)
    else:
        boss.select_option("select[name=metric]", metric)
        boss.fill("input[name=expected_effect]", "每周成交5笔")
    boss.select_option("select[name=owner_id]", label=name)
    boss.fill("input[name=due_on]", due.isoformat())
    boss.fill("input[name=what]", what)
    boss.screenshot(path=shots / f"action-plan-new-{who}-phone.png", full_page=True)
    boss.get_by_role("button", name="添加行动计划").click()
    expect(boss.locator(".flash--ok")).to_have_text("行动计划已添加。")
    listed = boss.locator("li.plan").filter(has_text=what)
    expect(listed).to_contain_text(name)
    expect(listed.locator(".badge")).to_have_text("未开始")
    with live_app.app_context():
        plan = db.session.scalar(select(ActionPlan).where(ActionPlan.what == what))
        assert (plan.owner_id, plan.metric, plan.status, plan.due_on) == (
            person_id,
            metric,
            PlanStatus.OPEN,
            due,
        )
        assert plan.created_by_id == _staff_id(live_app, "manager")
        plan_id = plan.id
    plan_url = f"/coaching/action-plans/{plan_id}"

    # 2. The person named signs in on their own phone: the plan is on Today.
    theirs = phone(browser, live_server)
    mine = theirs.new_page()
    sign_in(mine, username)
    expect(mine).to_have_url(re.compile(r"/today$"))
    on_today = mine.locator("section[aria-labelledby=my-plans-title] li").filter(has_text=what)
    expect(mine.locator("#my-plans-title")).to_have_text("我的行动计划")
    expect(on_today).to_contain_text("未开始")
    mine.screenshot(path=shots / f"action-plan-today-{who}-phone.png", full_page=True)
    on_today.get_by_role("link").click()
    expect(mine).to_have_url(re.compile(rf"{plan_url}$"))
    expect(mine.locator("h1")).to_have_text(what)
    figures = _expected_effect(live_app, plan_id)
    assert figures["after"] is None  # the plan runs to its due day
    _expect_effect(mine.locator("main"), figures, metric_label)
    mine.fill("textarea[name=note]", note)
    mine.get_by_role("button", name="记录进展").click()
    expect(mine.locator(".flash--ok")).to_have_text("进展已记录。")
    expect(mine.locator(".page-head")).to_contain_text("进行中")
    recorded = mine.locator("li.list__item").filter(has_text=note)
    expect(recorded).to_contain_text(name)
    _expect_effect(mine.locator("main"), figures, metric_label)
    mine.screenshot(path=shots / f"action-plan-progress-{who}-phone.png", full_page=True)
    # The tab bar covers the foot of the viewport: the note is seen scrolled to the end.
    mine.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    mine.screenshot(path=shots / f"action-plan-note-{who}-phone.png")
    with live_app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        assert plan.status == PlanStatus.IN_PROGRESS
        assert [(n.note, n.staff_id) for n in plan.notes] == [(note, person_id)]

    # 3. The manager reads the note on the plan, and the plan with its effect in the month.
    boss.goto(plan_url)
    expect(boss.locator(".page-head")).to_contain_text("进行中")
    expect(boss.locator("li.list__item").filter(has_text=note)).to_contain_text(name)
    boss.goto(f"/reports/monthly?month={due:%Y-%m}")
    reported = boss.locator("#month-plans article.plan").filter(has_text=what)
    expect(reported).to_contain_text(name)
    expect(reported.locator(".badge")).to_have_text("进行中")
    _expect_effect(reported, figures, metric_label)
    reported.scroll_into_view_if_needed()
    boss.screenshot(path=shots / f"action-plan-monthly-{who}-phone.png")
    manager.close()
    theirs.close()

    # 4. A colleague not named cannot open the plan nor write on it; another branch finds nothing.
    for stranger, status, heading in (
        (colleague, 403, "无权访问"),
        ("zj_wealth1", 404, "页面不存在"),
    ):
        context = phone(browser, live_server)
        page = context.new_page()
        sign_in(page, stranger)
        # Signed in and on their home, with none of this plan on it.
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(what)
        csrf = json.loads(page.locator("body").get_attribute("hx-headers"))["X-CSRFToken"]
        response = page.goto(plan_url)
        assert response.status == status
        expect(page.locator("main h1")).to_have_text(heading)
        expect(page.locator("body")).not_to_contain_text(what)
        page.screenshot(path=shots / f"action-plan-{status}-{who}-phone.png", full_page=True)
        posted = context.request.post(
            f"{plan_url}/notes", form={"note": "不是我的计划"}, headers={"X-CSRFToken": csrf}
        )
        assert posted.status == status
        context.close()
    with live_app.app_context():
        notes = db.session.scalars(
            select(ActionPlanNote.note).where(ActionPlanNote.plan_id == plan_id)
        ).all()
        assert notes == [note]

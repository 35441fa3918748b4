"""Role homes (Today, branch dashboard, region), settings, and the health check."""

from datetime import timedelta

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.admin import handover
from webapp.auth.access import public, roles, signed_in
from webapp.auth.forms import LanguageForm
from webapp.auth.models import ALL_ROLES, Role
from webapp.auth.services import home_endpoint
from webapp.coaching import queries as coaching_queries
from webapp.extensions import db
from webapp.field import routes as field_routes
from webapp.home import bp, queries
from webapp.prospects import routes as prospects_routes
from webapp.referrals import routes as referrals_routes
from webapp.schedule import routes as schedule_routes
from webapp.timeutil import now_naive

# Today shows the books handed to the person this many days back.
HAND_OVER_DAYS = 14


@bp.route("/")
@public
def index():
    """Send the visitor to their role's home, or to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/today")
@roles(ALL_ROLES - {Role.ADMIN})
def today():
    """The account manager's home: what today holds, thumb-first. The panels are rendered in
    the page: it keeps its layout as it loads, and one page kept on the phone holds them all."""
    return render_template(
        "home/today.html",
        recent_customers=queries.my_recent_customers(current_user),
        my_plans=coaching_queries.my_action_plans(current_user),
        referrals_panel=referrals_routes.today_panel_html(),
        schedule_panel=schedule_routes.today_panel_html(),
        prospects_panel=prospects_routes.today_panel_html(),
        field_panel=field_routes.today_panel_html(),
        hand_overs=handover.received_since(
            current_user, now_naive() - timedelta(days=HAND_OVER_DAYS)
        ),
    )


@bp.route("/dashboard")
@roles(Role.BRANCH_MANAGER)
def dashboard():
    """The branch manager's home: the branch at a glance."""
    return render_template(
        "home/dashboard.html",
        figures=queries.branch_figures(current_user),
        staff=queries.staff_with_customer_counts(current_user),
        rhythm=coaching_queries.dashboard_tiles(current_user.branch_id),
        rhythm_plans=coaching_queries.open_action_plans(current_user.branch_id),
        referrals_panel=referrals_routes.today_panel_html(),
    )


@bp.route("/region")
@roles(Role.ADMIN)
def region():
    """The administrator's home: every branch of the region."""
    return render_template("home/region.html", branches=queries.region_overview(current_user))


@bp.route("/me")
@signed_in
def me():
    """Personal settings: language, and signing out."""
    return render_template("home/me.html", language_form=LanguageForm(locale=current_user.locale))


@bp.route("/healthz")
@public
def healthz():
    """Health check for the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)

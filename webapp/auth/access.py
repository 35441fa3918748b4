"""Access rules and branch scoping, applied in one place for every route.

Every view declares its rule with @public, @signed_in or @roles(...). A request to an
endpoint without a rule is refused (fail closed) and a test walks the URL map so a new
route cannot ship without one. Branch data is read through scoped() and get_or_404(),
never filtered by hand in a view.
"""

from collections.abc import Callable, Iterable
from functools import cache

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from webapp.auth.models import Branch, Role, Staff
from webapp.auth.sessions import announce_end
from webapp.extensions import db

PUBLIC = "public"
SIGNED_IN = "signed_in"
# Endpoints registered by Flask itself rather than by our blueprints.
FRAMEWORK_PUBLIC_ENDPOINTS = frozenset({"static"})


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone, signed in or not."""
    view.access_rule = PUBLIC
    return view


def signed_in(view: Callable) -> Callable:
    """Mark a view as open to any signed-in member of staff."""
    view.access_rule = SIGNED_IN
    return view


def roles(*allowed: Role | Iterable[Role]) -> Callable[[Callable], Callable]:
    """Mark a view as open only to signed-in staff holding one of the given roles."""
    flat: set[Role] = set()
    for item in allowed:
        flat.update([item] if isinstance(item, Role) else item)

    def decorate(view: Callable) -> Callable:
        view.access_rule = frozenset(flat)
        return view

    return decorate


def rule_for(endpoint: str | None):
    """The access rule declared for an endpoint, or None when it has none."""
    if endpoint in FRAMEWORK_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access_rule", None)


def may_open(role, endpoint: str) -> bool:
    """Whether a signed-in member of staff with this role may open the endpoint's page (the
    navigation and the offline page list show only those): the one reading of the rules
    outside the before_request hook."""
    if endpoint not in current_app.view_functions:
        return False
    rule = rule_for(endpoint)
    return rule in (PUBLIC, SIGNED_IN) or (isinstance(rule, frozenset) and role in rule)


def enforce_access():
    """before_request hook: apply the endpoint's rule, refusing endpoints without one."""
    if request.endpoint is None:  # 404 and 405 are answered by their handlers
        return None
    rule = rule_for(request.endpoint)
    if rule == PUBLIC:
        return None
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        announce_end()
        return _ask_to_sign_in()
    unfinished = _unfinished_setup()
    if unfinished is not None:
        return unfinished
    if rule != SIGNED_IN and current_user.role not in rule:
        abort(403)
    return None


# Until a one-time password is replaced (or a required second factor set up), only these.
SETUP_ENDPOINTS = frozenset(
    {"auth.change_password", "auth.second_factor_setup", "auth.logout", "auth.language"}
)


def _unfinished_setup():
    """Send a person who must first change their password or set up a second factor there."""
    if current_user.password_must_change:
        target = "auth.change_password"
    elif session.get("_must_enrol") and not current_user.has_second_factor:
        target = "auth.second_factor_setup"
    else:
        return None
    if request.endpoint in SETUP_ENDPOINTS:
        return None
    if request.method != "GET":
        abort(403)
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = url_for(target)
        return response
    return redirect(url_for(target))


def _ask_to_sign_in():
    """Send an anonymous visitor to the sign-in page, coming back afterwards."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") and request.method != "GET":
        abort(401)
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    if request.method != "GET":
        abort(401)
    return redirect(target)


def visible_branch_ids(user: Staff) -> list[int]:
    """The branches a user may see: their own, and for an administrator every branch below."""
    if user.role != Role.ADMIN:
        return [user.branch_id]
    rows = db.session.execute(select(Branch.id, Branch.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for branch_id, parent_id in rows:
        children.setdefault(parent_id, []).append(branch_id)
    seen, stack = [], [user.branch_id]
    while stack:
        branch_id = stack.pop()
        seen.append(branch_id)
        stack.extend(children.get(branch_id, []))
    return seen


def scoped(model, user: Staff | None = None) -> Select:
    """A SELECT of `model` limited to the branches the user may see."""
    user = user or current_user
    return select(model).where(model.branch_id.in_(visible_branch_ids(user)))


VISIBLE_BRANCHES = bindparam("visible_branch_ids", expanding=True)


def scoped_template(model) -> Select:
    """scoped() for a statement built once per process: the branches are a bound parameter,
    given at each run by scope_params(user)."""
    return select(model).where(model.branch_id.in_(VISIBLE_BRANCHES))


def scope_params(user: Staff) -> dict:
    """The parameters of a scoped_template() statement for this user."""
    return {"visible_branch_ids": visible_branch_ids(user)}


def get_or_404(model, ident: int, user: Staff | None = None):
    """Load one branch-scoped row by id, answering 404 when it is another branch's."""
    params = scope_params(user or current_user) | {"ident": ident}
    row = db.session.execute(_by_id(model), params).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


@cache
def _by_id(model) -> Select:
    # Built once per model: most pages open a record by id.
    return scoped_template(model).where(model.id == bindparam("ident"))

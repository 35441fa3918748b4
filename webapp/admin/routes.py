"""The administration pages: staff and the organisation."""

from webapp.admin import routes_organisation, routes_staff  # noqa: F401

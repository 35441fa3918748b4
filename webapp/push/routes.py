"""Device subscriptions, notification settings, and the manager's branch broadcast."""

from webapp.push import bp  # noqa: F401

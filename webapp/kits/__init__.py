"""The sales kit (销售包 / 产品组合桌垫): products, portfolios and the present mode."""

from flask import Blueprint

bp = Blueprint("kits", __name__, url_prefix="/kit")


def kit_urls(user) -> list[str]:
    """The whole kit (pages, present mode, images), kept on the phone for offline use."""
    from webapp.kits.queries import offline_urls

    return offline_urls()


# Kept on the phone for offline use (webapp/__init__.py registers them).
offline_pages = (kit_urls,)

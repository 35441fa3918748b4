"""The sales kit (销售包 / 产品组合桌垫): products, portfolios and the present mode."""

from flask import Blueprint

bp = Blueprint("kits", __name__, url_prefix="/kit")


def kit_urls(user) -> list[str]:
    """The whole kit (pages, present mode, images), kept on the phone for offline use."""
    from webapp.kits.queries import offline_urls

    return offline_urls()


def _register_offline_pages() -> None:
    from webapp.sync import OFFLINE_URL_PROVIDERS

    if kit_urls not in OFFLINE_URL_PROVIDERS:
        OFFLINE_URL_PROVIDERS.append(kit_urls)


_register_offline_pages()

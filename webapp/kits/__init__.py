"""The sales kit (销售包 / 产品组合桌垫): products, portfolios and the present mode."""

from flask import Blueprint

bp = Blueprint("kits", __name__, url_prefix="/kit")

"""Every figure people are coached and paid by, defined once: targets, the metrics, the sales
progress table, the weekly meeting, the monthly report and its workbook, the region roll-up, the
charts and the credit statement. Coaching and the home pages read their figures from here."""

from flask import Blueprint

bp = Blueprint("figures", __name__, url_prefix="/reports")

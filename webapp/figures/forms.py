"""The target grid, parsed by hand (one field per cell)."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from webapp.figures.models import TARGET_METRICS, is_money


def parse_target_grid(form, keys: list[int | None]):
    """Read the target grid's fields `t-<staff id or branch>-<metric>`.

    Money (the yuan categories) is typed in yuan (up to two decimals) and stored in fen;
    accounts, cards and the counts are whole numbers.
    Returns (cells, errors, typed): cells {(staff_id, metric): value or None}, errors
    {field name: message}, typed {field name: text as typed} to re-show on error.
    """
    cells, errors, typed = {}, {}, {}
    for key in keys:
        for metric in TARGET_METRICS:
            name = f"t-{'branch' if key is None else key}-{metric}"
            text = (form.get(name) or "").strip().replace(",", "")
            typed[name] = text
            if not text:
                cells[(key, metric)] = None
                continue
            try:
                number = Decimal(text)
            except InvalidOperation:
                errors[name] = str(_l("Enter a number."))
                continue
            if not number.is_finite() or number < 0:
                errors[name] = str(_l("Enter zero or more."))
                continue
            if number > Decimal("1e12"):  # before any arithmetic: 1e999999999 overflows it
                errors[name] = str(_l("This number is too large."))
                continue
            if not is_money(metric):
                if number != number.to_integral_value():
                    errors[name] = str(_l("Enter a whole number."))
                    continue
                cells[(key, metric)] = int(number)
            else:
                if number * 100 != (number * 100).to_integral_value():
                    errors[name] = str(_l("At most two decimals."))
                    continue
                cells[(key, metric)] = int(number * 100)
    return cells, errors, typed

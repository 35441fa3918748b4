"""The password policy, and the one-time passwords a manager or administrator issues.

Strength is judged by zxcvbn (the Dropbox estimator: common passwords, words, names,
keyboard runs, dates, l33t), with the person's own username, name and branch as extra words
it will not accept, not by a hand-written list of bad passwords.
"""

import secrets

from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from webapp.auth.models import Staff

# No 0/O, 1/l/I: a one-time password is read out or copied by hand.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 12


def problems(password: str, user: Staff) -> list[str]:
    """What is wrong with a new password for this person (empty when it is acceptable)."""
    config = current_app.config
    found = []
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        found.append(_("Use at least %(num)d characters.", num=config["PASSWORD_MIN_LENGTH"]))
    if user.username and user.username.lower() in password.lower():
        found.append(_("The password must not contain your username."))
    if not found:
        words = [user.username, user.name, user.branch.name if user.branch else ""]
        # zxcvbn's cost grows with the length; nobody needs more than the first 100 to judge.
        if (
            zxcvbn(password[:100], user_inputs=[w for w in words if w])["score"]
            < config["PASSWORD_MIN_SCORE"]
        ):
            found.append(_("This password is too easy to guess: add another uncommon word or two."))
    return found


def one_time_password() -> str:
    """A random password to hand over once; its holder must change it at sign-in."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))

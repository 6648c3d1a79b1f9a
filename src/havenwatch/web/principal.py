"""Who is asking, at the door: what the web answers when nobody (or half of someone) is signed in.

Loading the principal of a session or a token is `havenwatch.access.principals`.
"""

from __future__ import annotations


class LoginRequired(Exception):
    """No live session: pages redirect to the login form, the API answers 401."""


class SecondFactorRequired(Exception):
    """Password accepted, second factor still to give (or to set up)."""

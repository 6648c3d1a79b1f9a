"""Deemed service: the day a decision counts as received, given how it was delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from havenwatch.legal.calendar import format_day
from havenwatch.legal.model import ServiceMethod


@dataclass(frozen=True)
class DeemedService:
    method: ServiceMethod
    act_date: date
    served: date
    explanation: str


def deemed_service(method: ServiceMethod, act_date: date) -> DeemedService:
    """When service counts as done.

    ``act_date`` is the date of the act of service the method starts from: the day of
    handing over or of the return receipt, the day of posting, or the day a notice was left.
    """
    served = act_date + timedelta(days=method.days_after)
    if method.days_after == 0:
        text = f"{method.label}: served on {format_day(served)} ({method.citation})"
    else:
        text = (
            f"{method.label} on {format_day(act_date)}: deemed served {method.days_after} days "
            f"later, on {format_day(served)} ({method.citation})"
        )
    if method.note:
        text = f"{text}. {method.note}"
    return DeemedService(method=method, act_date=act_date, served=served, explanation=text)

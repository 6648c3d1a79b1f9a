"""Deemed service: the day a decision counts as received, given how it was delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from havenwatch.legal.messages import DEFAULT_LOCALE, messages_for
from havenwatch.legal.model import ServiceMethod


@dataclass(frozen=True)
class DeemedService:
    method: ServiceMethod
    act_date: date
    served: date
    explanation: str


def deemed_service(
    method: ServiceMethod, act_date: date, locale: str = DEFAULT_LOCALE
) -> DeemedService:
    """When service counts as done, explained in ``locale``.

    ``act_date`` is the date of the act of service the method starts from: the day of
    handing over or of the return receipt, the day of posting, or the day a notice was left.
    """
    messages = messages_for(locale)
    served = act_date + timedelta(days=method.days_after)
    if method.days_after == 0:
        text = messages.text(
            "service.served",
            method=method.label,
            served=messages.day(served),
            citation=method.citation,
        )
    else:
        text = messages.text(
            "service.deemed",
            method=method.label,
            act=messages.day(act_date),
            period=messages.period(method.days_after, "days"),
            served=messages.day(served),
            citation=method.citation,
        )
    if method.note:
        text = messages.text("service.with_note", text=text, note=method.note)
    return DeemedService(method=method, act_date=act_date, served=served, explanation=text)

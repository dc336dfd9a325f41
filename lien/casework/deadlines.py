"""CPAS legal deadlines (DOMAIN.md §2), from configurable rules: decision within 30 days of the
receipt, notification within 8 days of the decision, appeal within 3 months of notification."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CpasDeadlines:
    decision_due: datetime.date
    notification_due: datetime.date
    appeal_until: datetime.date | None  # known once the decision is notified


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cpas_deadlines(
    *, received_on: datetime.date | None, notified_on: datetime.date | None = None
) -> CpasDeadlines | None:
    if received_on is None:
        return None
    rules = settings.LIEN_CPAS_RULES
    decision_due = received_on + datetime.timedelta(days=rules["decision_days"])
    notification_due = decision_due + datetime.timedelta(days=rules["notification_days"])
    appeal_until = add_months(notified_on, rules["appeal_months"]) if notified_on else None
    return CpasDeadlines(decision_due, notification_due, appeal_until)


def safe_cpas_deadlines(**dates) -> CpasDeadlines | None:
    """The deadlines, or None for dates so far out that they cannot be computed (forms bound
    dates; a row written before that must still open)."""
    try:
        return cpas_deadlines(**dates)
    except (OverflowError, ValueError):
        return None

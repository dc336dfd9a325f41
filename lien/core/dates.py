"""Dates people type: a year of 0001 or 9999 is a slip of the keyboard, and Python cannot
even add a month to the last one. Forms accept dates within these bounds only."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def validate_reasonable_date(value) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            _("Give a date between %(start)s and %(end)s.")
            % {"start": EARLIEST.year, "end": LATEST.year},
            code="out_of_range",
        )


# A browser's date and datetime-local boxes read these formats only: a value written in the
# language's own format ("24/11/2026" in French) is dropped, and the box shows blank.
BROWSER_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M"}


class ReasonableDatesMixin:
    """Bound every date and date-time field of a form to EARLIEST..LATEST, and write the
    values of its date and datetime-local boxes in the format browsers read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(validate_reasonable_date)
                browser_format = BROWSER_FORMATS.get(getattr(field.widget, "input_type", ""))
                if browser_format:
                    field.widget.format = browser_format

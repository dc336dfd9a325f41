"""Keep secrets that travel in URLs out of the logs."""

import logging
import re

# A calendar feed's URL is its only key (calendar applications cannot log in).
SECRET_PATHS = re.compile(r"(/calendar/)[^/\s]+(\.ics)")


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1…\2", text)


class RedactSecretPaths(logging.Filter):
    """Rewrite a record's message and arguments so no feed token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        request = getattr(record, "request", None)
        if request is not None and SECRET_PATHS.search(getattr(request, "path", "")):
            record.request = None  # the request object would show the path again
        return True

"""Where the current request came from, for audit events written deeper down."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None


_current: ContextVar[RequestContext | None] = ContextVar("lien_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def begin(*, ip: str | None, request_id: str | None = None):
    return _current.set(RequestContext(request_id=request_id or uuid.uuid4().hex, ip=ip))


def end(token) -> None:
    _current.reset(token)

import re

from django.conf import settings

from lien.audit import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def client_ip(request) -> str | None:
    """The client address; X-Forwarded-For only counts past the proxies we trust."""
    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        token = context.begin(
            ip=client_ip(request), request_id=incoming if _REQUEST_ID.match(incoming) else None
        )
        request.request_id = context.current().request_id
        try:
            response = self.get_response(request)
        finally:
            context.end(token)
        response["X-Request-ID"] = request.request_id
        return response

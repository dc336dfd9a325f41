from django.core.exceptions import PermissionDenied

from lien.access import policy


class AccessPolicyMiddleware:
    """Deny by default: a view runs only if the access policy has a word for it.

    Lien's own views carry their decision (`policy.require`). Views of libraries are named in
    `policy.PUBLIC_VIEWS` (reachable before login) or `policy.SELF_SERVICE_VIEWS` (a member's
    own account); any other view, present or future, answers 403 until the policy names it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "lien_access", None):
            return None
        match = request.resolver_match
        name = match.view_name if match else None
        if name in policy.PUBLIC_VIEWS:
            return None
        if policy.self_service_allowed(request.user, name):
            return None
        raise PermissionDenied

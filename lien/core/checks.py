from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from lien.core import crypto


@checks.register(checks.Tags.security, deploy=True)
def encryption_keys_configured(app_configs, **kwargs):
    try:
        crypto._configured_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="lien.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def mfa_required_in_production(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.LIEN_REQUIRE_MFA:
        return [
            checks.Warning(
                "LIEN_REQUIRE_MFA is off in production: staff can reach personal data "
                "with a password alone.",
                id="lien.W001",
            )
        ]
    return []

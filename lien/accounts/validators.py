from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Long passphrases are welcome; only absurd lengths (a pasted file) are refused."""

    def __init__(self, max_length: int | None = None):
        self.max_length = max_length or settings.LIEN_PASSWORD_MAX_LENGTH

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long: use at most %(max)d character.",
                    "This password is too long: use at most %(max)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return ""

import logging

from lien.core.logging import RedactSecretPaths, redact


def test_a_calendar_token_never_reaches_the_logs():
    token = "pAV7yOsecretsecretsecretmm4"
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Too Many Requests", f"/casework/calendar/{token}.ics"),
        None,
    )
    assert RedactSecretPaths().filter(record)
    assert token not in record.getMessage()
    assert record.getMessage() == "Too Many Requests: /casework/calendar/….ics"
    assert redact("/people/") == "/people/"


def test_the_filter_is_on_every_handler_of_the_configuration(settings):
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_secret_paths" in handler["filters"]


def test_a_refused_feed_read_logs_no_token(social_worker, caplog):
    import logging

    from django.test import Client
    from django.urls import reverse

    from lien.casework import services_appointments

    _feed, token = services_appointments.create_calendar_feed(by=social_worker)
    url = reverse("casework:calendar_feed", args=[token])
    client = Client()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 429  # read again within seconds
    assert caplog.records, "the refused read is logged"
    assert all(token not in record.getMessage() for record in caplog.records)

"""Sections that other apps add to a person's file.

People comes before casework, housing or outreach in the dependency order, so it cannot import
them; each of those apps registers a function here from its AppConfig.ready(). A function takes
(user, person) and returns the context its part of the page needs, already filtered by what
the user may see.
"""

from collections.abc import Callable
from typing import Any

SectionProvider = Callable[[Any, Any], dict]

_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> SectionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def context_for(user, person) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(user, person))
    return context

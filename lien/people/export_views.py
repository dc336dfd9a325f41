from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.customfields.forms import CustomFilterForm
from lien.customfields.models import CustomField, fields_for
from lien.people import exporting, services
from lien.people.forms import SearchForm


@policy.require(Perm.EXPORT_PERSONS)
def person_export(request: HttpRequest) -> HttpResponse:
    """The people of the list as it is searched and filtered (everybody the user sees when it
    is not), as a CSV file."""
    form = SearchForm(request.GET)
    custom_filters = CustomFilterForm(
        request.GET, fields=fields_for(request.user, CustomField.Entity.PERSON)
    )
    if not form.is_valid() or not custom_filters.is_valid():
        # The list explains what is wrong; never export more than the user asked for.
        return redirect(f"{reverse('people:person_list')}?{request.GET.urlencode()}")
    people = services.search(
        by=request.user,
        query=form.cleaned_data["q"],
        include_archived=form.cleaned_data["archived"],
        where=custom_filters.condition(),
        limit=None,
    )
    response = HttpResponse(
        exporting.export_people(by=request.user, people=people),
        content_type="text/csv; charset=utf-8",
    )
    name = f"lien-people-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response

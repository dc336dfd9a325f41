import pytest

from lien.people import services as people_services


@pytest.fixture
def person(social_worker, team):
    return people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )

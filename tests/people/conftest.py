import pytest

from lien.people import services


@pytest.fixture
def create_person(social_worker, team):
    def create(by=None, team_=None, **data):
        data.setdefault("niss", "")
        return services.create_person(by=by or social_worker, team=team_ or team, data=data)

    return create

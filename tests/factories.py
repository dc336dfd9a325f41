import factory
from django.contrib.auth import get_user_model

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.STREET_WORK


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the given roles (a list) and teams; password PASSWORD."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            Membership.objects.create(organisation=self.organisation, user=self, role=role)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        for team in extracted or []:
            TeamMembership.objects.create(organisation=self.organisation, user=self, team=team)


ALL_ROLES = [choice.value for choice in Role]

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STREET_WORK = "street_work", _("Street-work service")
        COHOUSING = "cohousing", _("Solidarity-cohousing association")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TeamQuerySet":
        from lien.access import policy

        return policy.teams_visible_to(user, self)

    def active(self) -> "TeamQuerySet":
        return self.filter(archived_at__isnull=True)


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="team_unique_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        from lien.access import policy

        return policy.users_visible_to(user, self)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A member of staff. Belongs to exactly one organisation; rights come from roles."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    email = models.EmailField(_("email"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
        default="fr",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once per request object."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            # The ids of the user's teams come in the same query: every access check that
            # names the user's teams uses them (lien.access.policy._team_ids).
            roles = Membership.objects.filter(user_id=self.pk).annotate(
                role_=F("role"), team_=Value(None, output_field=models.BigIntegerField())
            )
            teams = TeamMembership.objects.filter(user_id=self.pk).annotate(
                role_=Value("", output_field=models.CharField()), team_=F("team_id")
            )
            rows = roles.values_list("role_", "team_").union(
                teams.values_list("role_", "team_"), all=True
            )
            rows = list(rows)
            cached = frozenset(role for role, team in rows if team is None)
            self._roles_cache = cached
            self._lien_team_ids = [team for role, team in rows if team is not None]
        return cached

    @property
    def is_staff(self) -> bool:
        # Django's admin site is not installed: nobody is "staff" in that sense.
        return False


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    COORDINATOR = "coordinator", _("Coordinator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    HOUSE_MANAGER = "house_manager", _("House manager")
    FIELD_VOLUNTEER = "field_volunteer", _("Field volunteer")
    ANALYST = "analyst", _("Analyst")


class Membership(models.Model):
    """One role held by a user in their organisation; a user may hold several."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class TeamMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.team}"

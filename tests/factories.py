"""factory-boy factories shared by every test module."""

import factory
from django.utils import timezone

from imbuto.leads.models import Account, Campaign, Channel, Contact, Lead
from imbuto.users.models import Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = "rep"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-Imbuto-2026")


def channel(slug: str = "manual") -> Channel:
    return Channel.objects.get(slug=slug)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    channel = factory.LazyFunction(lambda: channel("email-campaign"))
    cost = 1000


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Azienda {n} S.r.l.")
    country = "IT"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = "Giulia"
    last_name = factory.Sequence(lambda n: f"Bianchi{n}")
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@example.it")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    first_name = "Mario"
    last_name = factory.Sequence(lambda n: f"Rossi{n}")
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@example.it")
    company_name = "Acme S.r.l."
    country = "IT"
    channel = factory.LazyFunction(lambda: channel("web-form"))
    created_at = factory.LazyFunction(timezone.now)
    stage = "suspect"
    team = factory.LazyAttribute(lambda o: o.owner.team if o.owner else None)
    owner = None

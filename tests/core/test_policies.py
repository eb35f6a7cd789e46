"""core.permissions: each app's policy decides for its models; what no policy names is denied.

Issue 9 section 2: deny by default, restrict in one query, can() from memory, one audited require."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from imbuto.core import permissions
from imbuto.core.errors import PermissionDenied
from imbuto.core.models import AuditEvent
from imbuto.intake import import_services
from imbuto.leads.models import Lead
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_model_without_a_policy_is_denied_even_to_an_admin(admin):
    ct = ContentType.objects.get_for_model(Lead)
    assert not permissions.restrict(admin, ContentType.objects.all()).exists()
    assert not permissions.can(admin, "view", ct)
    with pytest.raises(PermissionDenied):
        permissions.require(admin, "view", ct)
    assert AuditEvent.objects.get().object_type == "contenttypes.contenttype"


def test_every_model_of_imbuto_has_a_policy():
    """A new app registers its policies in ready(); this lists what it forgot."""
    ours = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("imbuto.")}
    assert ours - permissions.registered() == set()


def test_a_registered_policy_opens_only_what_it_names(admin, rep):
    permissions.register("contenttypes.contenttype", permissions.Roles({"view": ("admin",)}))
    try:
        assert permissions.restrict(admin, ContentType.objects.all()).exists()
        assert not permissions.restrict(rep, ContentType.objects.all()).exists()
        assert not permissions.restrict(admin, ContentType.objects.all(), "change").exists()
    finally:
        permissions._policies.pop("contenttypes.contenttype")


@pytest.mark.parametrize("persona", ["admin", "manager", "rep", "other_rep", "marketer"])
def test_can_decides_a_lead_from_memory(request, django_assert_num_queries, persona, rep, other_rep,
                                        unassigned_team_lead):
    """No query per object (the duplicates panel asked one per candidate)."""
    user = request.getfixturevalue(persona)
    leads = [LeadFactory(owner=rep), LeadFactory(owner=other_rep, stage="sql"), unassigned_team_lead]
    leads = list(Lead.objects.select_related("owner").filter(pk__in=[x.pk for x in leads]))
    expected = {lead.pk: permissions.restrict(user, Lead.objects.filter(pk=lead.pk)).exists()
                for lead in leads}
    changes = {lead.pk: permissions.restrict(user, Lead.objects.filter(pk=lead.pk), "change").exists()
               for lead in leads}
    with django_assert_num_queries(0):
        assert {lead.pk: permissions.can(user, "view", lead) for lead in leads} == expected
        assert {lead.pk: permissions.can(user, "change", lead) for lead in leads} == changes


@pytest.fixture
def unassigned_team_lead(north):
    return LeadFactory(owner=None, team=north)


def test_restrict_is_one_query_for_accounts_through_leads(django_assert_num_queries, rep):
    from tests.factories import AccountFactory

    for _ in range(3):
        LeadFactory(owner=rep, account=AccountFactory())
    with django_assert_num_queries(1):
        assert len(list(permissions.restrict(rep, apps.get_model("leads.Account").objects.all()))) == 3


def test_a_refused_import_is_audited_like_every_other_refusal(rep):
    """The import's own check raised without an audit record."""
    upload = SimpleUploadedFile("list.csv", b"first_name\nAda\n", content_type="text/csv")
    with pytest.raises(PermissionDenied):
        import_services.import_prepare(actor=rep, uploaded=upload)
    denial = AuditEvent.objects.get(action="denied")
    assert denial.actor == rep and denial.object_type == "intake.importjob"


def test_an_inactive_or_anonymous_user_may_do_nothing(outsider, rep_lead):
    from django.contrib.auth.models import AnonymousUser

    for user in (outsider, AnonymousUser()):
        assert not permissions.can(user, "view", rep_lead)
        assert not permissions.restrict(user, Lead.objects.all()).exists()


def test_a_user_with_an_unknown_role_gets_nothing(rep_lead):
    odd = UserFactory(username="odd", role="auditor")
    assert permissions.role_of(odd) is None
    assert not permissions.restrict(odd, Lead.objects.all()).exists()

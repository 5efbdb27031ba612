"""Named duties beyond a role (staff.capabilities.Duty): the SENDCo makes the deputy head (a
head) the Pupil Premium lead, who may then record grounds and draft the statement; a duty the
role cannot hold is refused; a change of role takes away a duty the new role cannot hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from register.models import PupilPremiumPeriod
from staff import services
from staff.capabilities import Cap, Duty, duties_can, duties_for_role
from staff.models import AuditEvent, Membership
from staff.tenancy import access_for
from tests.register.factories import make_pupil


@pytest.mark.parametrize(
    ("duties", "capability", "granted"),
    [
        ([], Cap.PREMIUM_MANAGE, False),
        (["pp_lead"], Cap.PREMIUM_MANAGE, True),
        (["pp_lead"], Cap.PREMIUM_VIEW, True),
        (["pp_lead"], Cap.REGISTER_MANAGE, False),  # a duty grants its own pages only
        (["designated_teacher"], Cap.PREMIUM_MANAGE, False),
        (["no_such_duty"], Cap.PREMIUM_MANAGE, False),  # a stale name grants nothing
        (["exams_officer"], Cap.EXAMS_OFFICE, True),
        (["exams_officer"], Cap.EXAMS_VIEW, False),  # the list, not the SEND records
        (["dsl"], Cap.EARLY_HELP_MANAGE, True),
        (["dsl"], Cap.LAC_VIEW, False),
        (["designated_teacher"], Cap.EARLY_HELP_VIEW, False),
    ],
)
def test_what_a_duty_grants(duties, capability, granted):
    assert duties_can(duties, capability) is granted


def test_who_may_hold_which_duty():
    assert duties_for_role("governor") == []
    assert Duty.DESIGNATED_TEACHER not in duties_for_role("ta")
    assert set(duties_for_role("head")) == {
        Duty.PP_LEAD,
        Duty.DESIGNATED_TEACHER,
        Duty.EXAMS_OFFICER,
        Duty.DSL,
    }
    assert set(duties_for_role("ta")) == {Duty.PP_LEAD, Duty.EXAMS_OFFICER}
    assert Duty.DSL not in duties_for_role("ta")  # a member of the senior leadership team


def _membership(user, school) -> Membership:
    return Membership.objects.get(user=user, school=school)


def _duties_url(school, membership):
    return reverse("staff:duties", args=[school.slug, membership.public_id])


def test_the_sendco_makes_the_head_pupil_premium_lead(client, school, sendco, head):
    pupil = make_pupil(school)
    ground = reverse("premium:pupil", args=[school.slug, pupil.public_id])
    data = {"kind": "fsm", "starts_on": "2025-09-01"}
    client.force_login(head)
    assert client.post(ground, data).status_code == 403
    assert not access_for(head, school).can(Cap.PREMIUM_MANAGE)

    client.force_login(sendco)
    membership = _membership(head, school)
    response = client.post(_duties_url(school, membership), {"duties": ["pp_lead"]})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.duties == ["pp_lead"]
    event = AuditEvent.objects.get(action="staff.duties_changed")
    assert event.detail["to"] == ["pp_lead"]

    client.force_login(head)  # from the head's very next request
    assert client.post(ground, data).status_code == 302
    assert PupilPremiumPeriod.objects.filter(pupil=pupil, recorded_by=head).exists()
    assert not access_for(head, school).can(Cap.REGISTER_MANAGE)  # still a head otherwise

    client.force_login(sendco)
    client.post(_duties_url(school, membership), {})  # nothing ticked: taken away
    membership.refresh_from_db()
    assert membership.duties == []
    client.force_login(head)
    assert client.post(ground, {**data, "starts_on": "2026-09-01"}).status_code == 403


def test_a_duty_the_role_cannot_hold_is_refused(client, school, sendco, ta, governor):
    client.force_login(sendco)
    for person, duty in ((ta, "designated_teacher"), (governor, "pp_lead")):
        membership = _membership(person, school)
        response = client.post(_duties_url(school, membership), {"duties": [duty]}, follow=True)
        assert "is not one of the available choices" in response.content.decode()
        membership.refresh_from_db()
        assert membership.duties == []


def test_a_change_of_role_drops_a_duty_the_new_role_cannot_hold(school, sendco, teacher):
    membership = _membership(teacher, school)
    services.membership_set_duties(
        membership=membership,
        duties=["designated_teacher", "pp_lead"],
        by=sendco,
        by_role="sendco",
    )
    services.membership_change_role(membership=membership, role="ta", by=sendco, by_role="sendco")
    membership.refresh_from_db()
    assert (membership.role, membership.duties) == ("ta", ["pp_lead"])


def test_nobody_sets_their_own_duties(school, sendco):
    with pytest.raises(Exception, match="your own"):
        services.membership_set_duties(
            membership=_membership(sendco, school), duties=["pp_lead"], by=sendco, by_role="sendco"
        )


def test_the_member_page_shows_the_duties(client, school, sendco, head):
    membership = _membership(head, school)
    membership.duties = ["pp_lead"]
    membership.save()
    client.force_login(sendco)
    page = client.get(reverse("staff:member", args=[school.slug, membership.public_id]))
    text = page.content.decode()
    assert "Pupil Premium lead" in text
    assert "Designated teacher for looked-after children" in text  # offered to a head

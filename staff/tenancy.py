"""The one place that resolves the school (or trust) of a URL and the user's role in it.

Another school's URL is a 404, exactly like a school that does not exist; a page the role may not
open in a school the user belongs to is a 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from .capabilities import Cap, duties_can, role_can
from .http import audit_pupil_read
from .models import Membership, Role, School, Trust, User
from .selectors import unique_row


@dataclass(frozen=True)
class Access:
    """What `user` may do in `school`: their own membership there, or their trust lead role."""

    user: User
    school: School
    role: str
    membership: Membership

    def can(self, capability: Cap) -> bool:
        """The role's capability, or one a duty of this membership grants (no query: the
        membership is already loaded)."""
        duties = self.membership.duties if self.membership is not None else ()
        return role_can(self.role, capability) or duties_can(duties, capability)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def access_for(user: User, school: School) -> Access | None:
    """One query: the user's membership in this school, or a trust lead membership in its trust."""
    if not user.is_authenticated or not user.is_active:
        return None
    reach = Q(school=school)
    if school.trust_id:
        reach |= Q(role=Role.TRUST_LEAD, school__trust_id=school.trust_id)
    # Ordered by school name alone (Membership's ordering also joins the person, one here).
    found = list(
        Membership.objects.filter(reach, user=user, ended_at__isnull=True).order_by("school__name")
    )
    if not found:
        return None
    # A trust lead acts as trust lead everywhere in the trust, even where they hold another role.
    best = next((m for m in found if m.role == Role.TRUST_LEAD), found[0])
    return Access(user=user, school=school, role=best.role, membership=best)


def members_of(school: School) -> dict[int, str]:
    """Every active person who acts in the school, and the role they act in (a trust lead of its
    trust included, as trust lead even where they hold another role there, as `access_for`)."""
    rows = (
        Membership.objects.filter(school__trust_id=school.trust_id, role=Role.TRUST_LEAD)
        if school.trust_id
        else Membership.objects.none()
    )
    found = dict(
        rows.filter(ended_at__isnull=True, user__is_active=True).values_list("user_id", "role")
    )
    for user_id, role in Membership.objects.filter(
        school=school, ended_at__isnull=True, user__is_active=True
    ).values_list("user_id", "role"):
        if found.get(user_id) != Role.TRUST_LEAD:
            found[user_id] = role
    return found


def _schools_of(user: User):
    memberships = Membership.objects.filter(user=user, ended_at__isnull=True)
    trust_ids = memberships.filter(role=Role.TRUST_LEAD).values("school__trust_id")
    return (
        School.objects.filter(Q(memberships__in=memberships) | Q(trust_id__in=trust_ids))
        .distinct()
        .order_by("name")
    )


def schools_for(user: User) -> list[School]:
    """Every school the user may open, for the home page's choice."""
    if not user.is_authenticated:
        return []
    return list(_schools_of(user))


# The header's switcher lists this many schools at most: a trust lead of 110 schools would
# otherwise carry 110 links on every page (and the query and rendering for them).
SWITCHER_AT_MOST = 8


@dataclass(frozen=True)
class Switcher:
    schools: list[School]
    more: bool  # more schools than listed: the switcher links to the whole list


def switcher_for(user: User) -> Switcher:
    """The header's school switcher: the first SWITCHER_AT_MOST schools by name. On every page,
    so kept for the person between changes to schools and memberships (`staff.switcher_cache`):
    one round trip to the cache, or one query when it is worked out."""
    if not user.is_authenticated:
        return Switcher([], more=False)
    from . import switcher_cache

    return switcher_cache.kept(user.pk, lambda: _work_out_switcher(user))


def _work_out_switcher(user: User) -> Switcher:
    found = list(_schools_of(user)[: SWITCHER_AT_MOST + 1])
    return Switcher(found[:SWITCHER_AT_MOST], more=len(found) > SWITCHER_AT_MOST)


def trusts_led_by(user: User) -> list[Trust]:
    if not user.is_authenticated:
        return []
    return list(
        Trust.objects.filter(
            schools__memberships__user=user,
            schools__memberships__role=Role.TRUST_LEAD,
            schools__memberships__ended_at__isnull=True,
        ).distinct()
    )


def school_view(capability: Cap) -> Callable:
    """Decorate a view `view(request, **kwargs)` served under /s/<school_slug>/.

    Sets request.school and request.access; 404 for a school the user has no part in, 403 for a
    capability the role lacks.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, school_slug: str, *args, **kwargs) -> HttpResponse:
            school = unique_row(School.objects.select_related("trust").filter(slug=school_slug))
            access = access_for(request.user, school) if school else None
            if access is None:
                raise Http404("No such school.")
            request.school = school
            request.access = access
            if not access.can(capability):
                raise PermissionDenied("Your role cannot open this page.")
            response = view(request, *args, **kwargs)
            audit_pupil_read(request, response)
            return response

        wrapper.capability = capability
        return wrapper

    return decorator


def trust_view(capability: Cap) -> Callable:
    """Decorate a view served under /t/<trust_slug>/: only the trust's own trust leads get in."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, trust_slug: str, *args, **kwargs) -> HttpResponse:
            trust = Trust.objects.filter(slug=trust_slug).first()
            if trust is None or not request.user.is_active:
                raise Http404("No such trust.")
            roles = set(
                Membership.objects.filter(
                    user=request.user, school__trust=trust, ended_at__isnull=True
                ).values_list("role", flat=True)
            )
            if not roles:
                raise Http404("No such trust.")
            if not any(role_can(role, capability) for role in roles):
                raise PermissionDenied("Only the trust's SEND lead can open this page.")
            request.trust = trust
            return view(request, *args, **kwargs)

        wrapper.capability = capability
        return wrapper

    return decorator

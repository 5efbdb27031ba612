"""The register at a glance, for the home page's chart: pupils on SEN support and with an EHC plan
by primary need, counted in the database in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery

from staff.tenancy import Access

from .models import Need, SenStatus
from .rules import E, K
from .selectors import pupils_visible_to


@dataclass(frozen=True)
class NeedRow:
    need: str
    k: int
    e: int

    @property
    def total(self) -> int:
        return self.k + self.e


def _covering(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def by_primary_need(*, access: Access, on: date) -> list[NeedRow]:
    """Pupils the person may see, on roll and on the register on `on`, by their primary need and
    SEN category, largest first; "No primary need recorded" for those without one. One query."""
    pupils = pupils_visible_to(access=access, on=on).on_roll(on)
    primary = Need.objects.filter(_covering(on), pupil=OuterRef("pupil"), rank=1).values(
        "need_type__name"
    )[:1]
    counted = (
        SenStatus.objects.filter(_covering(on), pupil__in=pupils, category__in=[K, E])
        .annotate(need=Subquery(primary))
        .values("need", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: dict[str, dict[str, int]] = {}
    for row in counted:
        name = row["need"] or "No primary need recorded"
        rows.setdefault(name, {K: 0, E: 0})[row["category"]] += row["n"]
    found = [NeedRow(need, counts[K], counts[E]) for need, counts in rows.items()]
    return sorted(found, key=lambda r: (-r.total, r.need))

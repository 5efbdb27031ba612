"""What the register pages show besides their forms: the register with its filters and sort,
and the starting values of a status change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import QueryDict
from django.urls import reverse

from staff import skills
from staff.capabilities import Cap, sees_looked_after
from staff.tenancy import Access

from . import chronology, rules, selectors
from .forms import RegisterFilterForm, SearchForm
from .models import Pupil, TeachingGroup


def register_list(
    *,
    access: Access,
    today: date,
    filters: RegisterFilterForm,
    search: SearchForm,
    query: QueryDict,
) -> dict:
    """The SEN register, as on today or the date the filters ask for, searched and sorted; the
    query string without its sort, for the column headings' links, and without its page, for
    the pages' links."""
    shows_looked_after = sees_looked_after(access)
    if not shows_looked_after:
        filters.fields.pop("lac", None)
    data = filters.cleaned_data if filters.is_valid() else {}
    sort = query.get("sort", "name")
    found = selectors.register_list(
        access=access,
        on=data.get("on") or today,
        filters=data,
        shows_looked_after=shows_looked_after,
        search=search.cleaned_data["q"] if search.is_valid() else "",
        sort=sort,
        page=query.get("page"),
    )
    query = query.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query.pop("sort", None)
    return {
        "page": found.page,
        "rows": found.rows,
        "counts": found.counts,
        "own_classes_only": found.own_classes_only,
        "filters": filters,
        "search": search,
        "on": found.on,
        "today": today,
        "sort": sort,
        "query": query.urlencode(),
        "page_query": page_query,
        "can_manage": access.can(Cap.REGISTER_MANAGE),
        "shows_looked_after": shows_looked_after,
    }


def pupil_page(*, access: Access, pupil: Pupil, on: date) -> dict:
    """The pupil page's record (`selectors.pupil_page`); for someone not shown who is looked
    after (`sees_looked_after`), without the looked-after periods and the previously
    looked-after ground. The chronology has the lines registered apps give this person
    (`register.chronology`: one query per source)."""
    entries = chronology.entries(pupil=pupil, access=access)
    page = selectors.pupil_page(pupil=pupil, on=on, entries=entries)
    if not sees_looked_after(access):
        page["lac_periods"] = None
        page["pp_periods"] = [p for p in page["pp_periods"] if p.kind != rules.PLAC]
    return page


# Where the layer of support is changed from (`?back=`): the pupil's support plan, EHC plan or page.
LAYER_BACK = {
    "plan": ("plans:plan", "the support plan"),
    "ehcp": ("ehcp:plan", "the EHC plan"),
    "": ("register:pupil", "the pupil's page"),
}


def layer_back(*, school, pupil: Pupil, to: str | None) -> tuple[str, str]:
    """The page to return to after the layer is saved, and its name; the pupil's page unless a
    known one."""
    name, label = LAYER_BACK.get(to or "", LAYER_BACK[""])
    return reverse(name, args=[school.slug, pupil.public_id]), label


def layer_page(*, pupil: Pupil, on: date) -> dict:
    """The layer form's page: the pupil's layers so far, newest first."""
    layers = list(pupil.support_layers.order_by("-starts_on").select_related("recorded_by"))
    current = next((p for p in layers if p.covers(on)), None)
    return {"pupil": pupil, "layers": layers, "current": current}


def status_change_initial(*, pupil: Pupil, today: date) -> dict:
    """A status change starts today, with the pupil's current needs. The date parents were told
    starts empty: only the person who told them knows it."""
    codes = selectors.current_need_codes(pupil=pupil)
    return {
        "starts_on": today,
        "primary_need": codes[0] if codes else "",
        "secondary_need": codes[1] if len(codes) > 1 else "",
    }


def class_staff_initial(*, group: TeachingGroup) -> dict:
    """Who teaches the class and who assists in it now, for the form that changes them."""
    return {"teachers": list(group.teachers.all()), "assistants": list(group.assistants.all())}


@dataclass(frozen=True)
class NeedTraining:
    """One need of a class's SEN pupils against the training of its adults."""

    need: selectors.NeedCount
    trained: int
    adults: int

    @property
    def text(self) -> str:
        n = self.need.pupils
        who = f"{self.trained} of {self.adults} adult{'s' if self.adults != 1 else ''} trained"
        return f"{self.need.code}: {n} pupil{'s' if n != 1 else ''}, {who}"


def class_staffing(*, group: TeachingGroup, school, on: date) -> dict:
    """The class form's starting values, with what each member of staff is trained in (for
    the choices' labels: `staff.skills`), the needs of the class's SEN pupils (its help text)
    and, when training is recorded, each need against the training of the class's adults: two
    queries beyond the class itself, whatever its size."""
    needs = selectors.sen_needs_among(school=school, on=on, among=group.pupils.all())
    found = skills.of_users(school=school, on=on)
    initial = class_staff_initial(group=group)
    adults = {u.pk for u in [*initial["teachers"], *initial["assistants"]]}
    lines = [
        NeedTraining(need, skills.trained_count(adults, found, need.code), len(adults))
        for need in needs
    ]
    hint = selectors.needs_hint(needs, "this class's")
    return {
        "form": {"initial": initial, "skills": found, "needs_hint": hint},
        "training": lines if skills.available() and adults else [],
    }

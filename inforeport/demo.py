"""The demo's SEN information report: each school's words for every required item (sendco's
drafts where it has something to say, accepted as they stand), the SEND policy's and the
accessibility plan's review dates, published at the end of September (this autumn's report).
Idempotent: a school with a report is left alone."""

from __future__ import annotations

from datetime import date

from staff.calendar import academic_year_start_for
from staff.models import School, User

from . import drafting
from .models import InfoReport, ItemText, PublishedReport
from .schedule import ITEMS

# The school's words where sendco has nothing to draft from (every item has some).
OWN_WORDS = {
    "sch1-1": "We provide for pupils with needs in communication and interaction, cognition and "
    "learning, social, emotional and mental health, and sensory and physical needs.",
    "sch1-2": "Class teachers check every pupil's progress each half-term. When a pupil makes "
    "less progress than expected, the teacher talks to the parents and raises a concern with the "
    "SENCO, who observes the pupil, uses screening tools and, where needed, asks for advice from "
    "specialists. We decide together with the parents whether the pupil needs SEN support.",
    "sch1-3a": "Every intervention is measured at its start and end and reviewed each term.",
    "sch1-3b": "Each pupil on SEN support has a support plan with targets, reviewed at least "
    "three times a year with the pupil and their parents (assess, plan, do, review).",
    "sch1-3c": "High-quality, adaptive teaching in class comes first: clear explanations, "
    "modelling, scaffolds and regular checks for understanding.",
    "sch1-3d": "We adapt resources, seating, lighting and noise, and give visual timetables, "
    "task boards and access to a quiet space where a pupil needs them.",
    "sch1-3e": "Pupils may take part in small-group and one-to-one interventions.",
    "sch1-3f": "Every pupil takes part in clubs, trips and sport; we plan adjustments with "
    "parents before each trip.",
    "sch1-3g": "Our pastoral team, trained emotional literacy support assistants and a calm "
    "lunchtime club support pupils' wellbeing; we work with the mental health support team.",
    "sch1-4": "Contact our SENCO through the school office.",
    "sch1-5": "All staff receive SEND training every year.",
    "sch1-6": "We buy equipment a pupil needs from our SEN budget and ask the local authority "
    "for specialist equipment.",
    "sch1-7": "We meet parents of pupils on SEN support at least three times a year.",
    "sch1-8": "Pupils' views are part of every plan and review.",
    "sch1-9": "Please speak to the class teacher or the SENCO first. If you are not satisfied, "
    "our complaints policy on the website explains the next steps.",
    "sch1-10": "We work with the educational psychology service, speech and language therapy, "
    "CAMHS, the school nursing team and social care.",
    "sch1-11": "The local SEND information, advice and support service (SENDIASS) gives "
    "parents free, impartial advice.",
    "sch1-12": "We plan every move between classes and schools with parents and the next "
    "school, with extra visits for pupils who need them.",
    "sch1-13": "The local authority's Local Offer is on its website.",
    "s69-i": "Disabled pupils are admitted on the same terms as other pupils, under the "
    "admissions policy.",
    "s69-ii": "We make reasonable adjustments so disabled pupils are never treated less "
    "favourably, and review our policies for their effect on disabled pupils.",
    "s69-iii": "The building has step-free access, a lift, an accessible toilet and a "
    "hygiene room.",
    "s69-iv": "Our accessibility plan is published on the school's website.",
}


def seed_report(*, school: School, today: date, sendco: User) -> int:
    if InfoReport.objects.filter(school=school).exists():
        return 0
    year = academic_year_start_for(today)
    published_on = min(date(year, 9, 30), today)
    report = InfoReport.objects.create(
        school=school,
        send_policy_review_on=date(year + 1, 7, 15),
        accessibility_plan_review_on=date(year + 2, 8, 31),
    )
    texts = {}
    for item in ITEMS:
        drafted = drafting.suggestion(school=school, code=item.code, today=today)
        texts[item.code] = (
            (drafted, ItemText.Source.DRAFTED)
            if drafted
            else (
                OWN_WORDS[item.code],
                ItemText.Source.WRITTEN,
            )
        )
    ItemText.objects.bulk_create(
        ItemText(
            school=school, report=report, code=code, text=text, source=source, updated_by=sendco
        )
        for code, (text, source) in texts.items()
    )
    PublishedReport.objects.create(
        school=school,
        report=report,
        number=1,
        published_on=published_on,
        published_by=sendco,
        school_name=school.name,
        items=[{"code": i.code, "heading": i.heading, "text": texts[i.code][0]} for i in ITEMS],
        send_policy_review_on=report.send_policy_review_on,
        accessibility_plan_review_on=report.accessibility_plan_review_on,
    )
    return 2 + len(texts)

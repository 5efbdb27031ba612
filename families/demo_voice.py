"""Demo data for the pupil's voice: a few pupils of the demo teacher's class with a support plan
open have given their views on the symbol form, one of them accepted into the plan by the
SENDCo, and one pupil's parents gave theirs at a meeting. Idempotent: a school with views given
on the symbol form already is left alone."""

from __future__ import annotations

from datetime import date, timedelta

from plans.models import Cycle
from register.models import ViewsGiven
from staff.models import School, User
from staff.tenancy import access_for

from . import services

ANSWERS = [
    [
        {"question": "What I am good at", "answer": "Drawing; Building and making"},
        {"question": "What helps me", "answer": "A quiet place; A visual timetable"},
        {"question": "What I find hard", "answer": "Noise; Writing"},
        {"question": "What I want to get better at", "answer": "Writing"},
        {"question": "How do you feel about school?", "answer": "4, happy"},
        {"question": "How do you feel about your learning?", "answer": "3, OK"},
    ],
    [
        {
            "question": "What I am good at",
            "answer": "Sport; Being a good friend. In my own words: I am fast at running",
        },
        {"question": "What helps me", "answer": "Breaks; Something to fiddle with"},
        {"question": "What I find hard", "answer": "Sitting still; Waiting my turn"},
        {"question": "What I want to get better at", "answer": "Staying calm"},
        {"question": "How do you feel about school?", "answer": "3, OK"},
    ],
]
PARENTS = [
    {"question": "What is going well?", "answer": "Reading at home every night with his sister."},
    {"question": "What worries you?", "answer": "Playtimes: he says he has no one to play with."},
]


def seed_voice(*, school: School, today: date, sendco: User, teacher: User) -> int:
    if ViewsGiven.objects.filter(school=school, how=ViewsGiven.How.SYMBOL_FORM).exists():
        return 0
    cycles = list(
        Cycle.objects.filter(school=school, plan__pupil__teaching_groups__teachers=teacher)
        .exclude(stage=Cycle.Stage.REVIEWED)
        .select_related("plan__pupil")
        .order_by("plan__pupil__legal_last_name", "plan__pupil__legal_first_name")
        .distinct()[:3]
    )
    made = []
    adult = teacher.full_name
    for n, (cycle, answers) in enumerate(zip(cycles, ANSWERS, strict=False)):
        pupil = cycle.plan.pupil
        made.append(
            ViewsGiven.objects.create(
                school=school,
                pupil=pupil,
                whose=ViewsGiven.Whose.PUPIL,
                how=ViewsGiven.How.SYMBOL_FORM,
                purpose=ViewsGiven.Purpose.PLAN_REVIEW if n else ViewsGiven.Purpose.PLAN,
                given_on=today - timedelta(days=6 + 3 * n),
                given_by=f"{pupil.first_name} with {adult}",
                answers=answers,
                recorded_by=teacher,
            )
        )
    if len(cycles) == 3:
        made.append(
            ViewsGiven.objects.create(
                school=school,
                pupil=cycles[2].plan.pupil,
                whose=ViewsGiven.Whose.PARENT,
                how=ViewsGiven.How.MEETING,
                purpose=ViewsGiven.Purpose.PLAN_REVIEW,
                given_on=today - timedelta(days=10),
                given_by="Mum, at the parents' evening",
                answers=PARENTS,
                recorded_by=sendco,
            )
        )
    if made:
        access = access_for(sendco, school)
        services.views_accept(access=access, views=made[0], today=today - timedelta(days=2))
    return len(made)

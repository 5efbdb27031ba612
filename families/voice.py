"""The pupil voice form's content: four questions, each with common answers the pupil can tick
(a symbol beside the words), and the face scales from 1 (very unhappy) to 5 (very happy).

The symbols are SVG files shipped with the app (static/families/symbols/<symbol>.svg), drawn
for it: simple shapes, one stroke width, clear at 64 px. The words are always shown; a symbol
supports them and is never the only way to tell a choice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    value: str
    words: str
    symbol: str


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: tuple[Choice, ...]


def _c(value: str, words: str, symbol: str | None = None) -> Choice:
    return Choice(value, words, symbol or value)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "good_at",
        "What I am good at",
        (
            _c("reading", "Reading"),
            _c("drawing", "Drawing"),
            _c("sport", "Sport"),
            _c("music", "Music"),
            _c("maths", "Maths"),
            _c("building", "Building and making"),
            _c("computers", "Computers"),
            _c("helping", "Helping others"),
            _c("friends", "Being a good friend"),
        ),
    ),
    Question(
        "helps",
        "What helps me",
        (
            _c("quiet_place", "A quiet place"),
            _c("timetable", "A visual timetable"),
            _c("adult_help", "Someone to help me"),
            _c("breaks", "Breaks"),
            _c("ear_defenders", "Ear defenders"),
            _c("fidget", "Something to fiddle with"),
            _c("extra_time", "More time"),
            _c("work_with_friend", "Working with a friend", "friends"),
            _c("pictures", "Pictures and symbols"),
        ),
    ),
    Question(
        "hard",
        "What I find hard",
        (
            _c("noise", "Noise"),
            _c("writing", "Writing"),
            _c("maths", "Maths"),
            _c("reading", "Reading"),
            _c("making_friends", "Making friends", "friends"),
            _c("waiting", "Waiting my turn"),
            _c("changes", "Changes to the day"),
            _c("sitting_still", "Sitting still"),
            _c("busy_places", "Busy places"),
        ),
    ),
    Question(
        "better_at",
        "What I want to get better at",
        (
            _c("reading", "Reading"),
            _c("writing", "Writing"),
            _c("maths", "Maths"),
            _c("making_friends", "Making friends", "friends"),
            _c("staying_calm", "Staying calm"),
            _c("asking_for_help", "Asking for help"),
            _c("talking", "Talking in class"),
            _c("listening", "Listening"),
        ),
    ),
)


@dataclass(frozen=True)
class Face:
    score: int
    words: str
    symbol: str

    @property
    def label(self) -> str:
        """'1, very unhappy': the number and the words, as read aloud and as saved."""
        return f"{self.score}, {self.words}"


FACES: tuple[Face, ...] = (
    Face(1, "very unhappy", "face_1"),
    Face(2, "unhappy", "face_2"),
    Face(3, "OK", "face_3"),
    Face(4, "happy", "face_4"),
    Face(5, "very happy", "face_5"),
)

FACE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("feel_school", "How do you feel about school?"),
    ("feel_learning", "How do you feel about your learning?"),
)

OWN_WORDS = "In my own words"


def symbols() -> set[str]:
    """Every symbol the form uses (each has its SVG file)."""
    return {c.symbol for q in QUESTIONS for c in q.choices} | {f.symbol for f in FACES}


def face(score: int) -> Face:
    return next(f for f in FACES if f.score == score)


def answers_from(cleaned: dict) -> list[dict]:
    """The form's answers as saved on ViewsGiven: for each question the words of every symbol
    ticked and the pupil's own words; for each face scale its number and words. A question
    left blank is left out."""
    answers = []
    for question in QUESTIONS:
        words = {c.value: c.words for c in question.choices}
        ticked = [words[v] for v in cleaned.get(question.key) or [] if v in words]
        own = (cleaned.get(f"{question.key}_words") or "").strip()
        parts = ["; ".join(ticked)] if ticked else []
        if own:
            parts.append(f"{OWN_WORDS}: {own}")
        if parts:
            answers.append({"question": question.text, "answer": ". ".join(parts)})
    for key, text in FACE_QUESTIONS:
        score = cleaned.get(key)
        if score:
            answers.append({"question": text, "answer": face(int(score)).label})
    return answers

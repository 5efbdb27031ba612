"""The words of the demo passports: each pupil's own, drawn from phrases that suit their primary
need's broad area, so two passports opened side by side read like two children.

Deterministic: the same pupil (UPN, name, need) gets the same passport on every run, without
drawing from the demo's main random stream (so the rest of the demo is unchanged by it).
"""

from __future__ import annotations

import random
import zlib

from .models import BroadArea

CI, CL, SEMH = BroadArea.COMMUNICATION, BroadArea.COGNITION, BroadArea.SEMH
# Sensory and physical needs differ too much to share one list: by the need's code.
SENSORY = {"HI": "HI", "VI": "VI", "MSI": "VI", "PD": "PD"}

INTERESTS = [
    "drawing",
    "football",
    "building with Lego",
    "dinosaurs",
    "swimming",
    "baking with my nan",
    "Minecraft",
    "dancing",
    "trains",
    "looking after my rabbit",
    "gymnastics",
    "singing",
    "space",
    "riding my bike",
    "comics",
    "cooking",
    "horses",
    "making things out of cardboard",
]
FACTS = [
    "I have a little brother who copies everything I do.",
    "I have two older sisters.",
    "I go to Cubs on Thursdays.",
    "I live with my mum and my grandad.",
    "I speak Polish at home and English at school.",
    "My dad works nights, so I see him after school.",
    "I have a dog called Biscuit.",
    "I go to my auntie's after school on Wednesdays.",
    "I moved here from another school last year.",
    "I am the oldest of four.",
    "I go to swimming club on Saturdays.",
    "I speak Urdu with my grandparents.",
]
IMPORTANT = [
    "My family.",
    "My best friend in my class.",
    "Knowing what is happening next.",
    "Having time with my pets.",
    "Being picked for the team.",
    "My grandparents.",
    "Being allowed to finish what I started.",
    "Having my own space at home.",
    "Going to the park at the weekend.",
    "Being trusted with a job in class.",
    "Seeing my dad at weekends.",
    "Doing well in my spellings.",
]
STRENGTHS = [
    "Kind and caring towards younger children.",
    "A great memory for facts.",
    "Very creative; full of ideas.",
    "Works hard and does not give up.",
    "Good at practical, hands-on tasks.",
    "Funny; gets on well with adults.",
    "Strong at number work.",
    "Loves stories and listening to them read aloud.",
    "Brilliant at sport and team games.",
    "Honest and says when something is wrong.",
    "Helpful: first to tidy up and hand things out.",
    "Notices small details others miss.",
    "Good at drawing and design.",
    "Knows a huge amount about their favourite topic.",
]

# What helps, what does not, how they communicate and what staff should do: by broad area of
# the primary need, or the sensory or physical need itself ("" for needs without a broad area,
# such as OTH or NSA).
WHAT_HELPS = {
    CI: [
        "Instructions given one step at a time.",
        "Pictures or symbols alongside what is said.",
        "Being told my name before an instruction.",
        "Time to think before I answer.",
        "Key words shown on a word mat.",
        "A now-and-next board.",
        "Knowing the plan for the day at the start.",
    ],
    CL: [
        "Things broken into small steps.",
        "A checklist I can tick off.",
        "Coloured overlays for reading.",
        "Number lines and counters on my table.",
        "Writing frames and sentence starters.",
        "Going over new work the day before.",
        "Extra time to finish and to read.",
    ],
    SEMH: [
        "A calm, quiet welcome in the morning.",
        "A trusted adult to check in with.",
        "A time-out card I can use without asking.",
        "Being praised quietly, not in front of everyone.",
        "A job to do when I arrive.",
        "Movement breaks between tasks.",
        "Knowing about changes in advance.",
    ],
    "HI": [
        "Sitting near the front, facing the teacher.",
        "A quiet room with less background noise.",
        "Subtitles on videos.",
        "Key words written down as well as said.",
        "One person speaking at a time.",
    ],
    "VI": [
        "Work enlarged or on my tablet.",
        "Handouts given to me, not only on the board.",
        "Good light, with my back to the window.",
        "Things kept in the same place so I can find them.",
        "Bold-lined paper and a black pen.",
    ],
    "PD": [
        "My equipment set up before the lesson.",
        "Extra time to move between rooms.",
        "A sloping board and a pencil grip for writing.",
        "Using a laptop for longer writing.",
        "A seat near the door.",
    ],
    "": [
        "Clear routines.",
        "Short tasks with a break in between.",
        "Being checked on quietly during the lesson.",
        "Work that starts with something I know.",
        "A reminder of what to do next.",
    ],
}
NOT_HELPFUL = {
    CI: [
        "Long lists of instructions.",
        "Sarcasm or jokes I might take literally.",
        "Being rushed to answer.",
        "Busy, noisy group work.",
        "Sudden changes to the timetable.",
    ],
    CL: [
        "Copying from the board.",
        "Being asked to read aloud without warning.",
        "Too much on one page.",
        "Moving on before I have understood.",
        "Long pieces of writing without a plan.",
    ],
    SEMH: [
        "Raised voices.",
        "Being told off in front of the class.",
        "Waiting with nothing to do.",
        "Unstructured times without an adult nearby.",
        "Surprises and last-minute changes.",
    ],
    "HI": ["People talking over each other.", "Noisy rooms.", "Being spoken to from behind."],
    "VI": ["Small print and faint photocopies.", "Glare on the board.", "Bags on the floor."],
    "PD": [
        "Crowded corridors at the bell.",
        "Being rushed when getting changed for PE.",
        "Long pieces of handwriting.",
    ],
    "": [
        "Too many things at once.",
        "Being rushed.",
        "Not knowing what to do next.",
        "Noisy rooms.",
    ],
}
COMMUNICATION = {
    CI: [
        "I understand more than I can say. Give me time and I will answer.",
        "I take words literally. Say exactly what you mean.",
        "I may repeat what you say while I work it out.",
        "I find eye contact hard; I am still listening.",
    ],
    CL: [
        "I can explain my ideas better out loud than in writing.",
        "I may say I understand when I don't: ask me to show you.",
        "I need words I don't know explained, and shown again later.",
    ],
    SEMH: [
        "When I go quiet, I am not coping. Check in with me.",
        "When I'm upset I may shout; give me space and talk later.",
        "I find it easier to talk while doing something, like walking.",
    ],
    "HI": [
        "I wear hearing aids: face me when you speak and check the radio aid is on.",
        "I lip-read: keep your face where I can see it.",
    ],
    "VI": [
        "I may not see your face from far away; say my name first.",
        "Tell me what is on the board, not only point at it.",
    ],
    "PD": [
        "I can tell you when I need help moving or with equipment.",
        "My hands tire quickly; I may ask to say my answer instead of writing it.",
    ],
    "": [
        "I may need extra time to answer. Check I have understood.",
        "I will tell an adult I trust if something is wrong.",
    ],
}
STRATEGIES = {
    CI: [
        "Pre-teach new vocabulary with pictures.",
        "Use a visual timetable and point to it at each change.",
        "Give a five-minute warning before a transition.",
        "Check understanding by asking for the instruction back.",
        "Pair with a calm, chatty partner for talk tasks.",
        "Allow processing time (count to ten) before repeating a question.",
    ],
    CL: [
        "Chunk tasks and give a checklist.",
        "Provide a writing frame and a word bank.",
        "Give printed copies instead of copying from the board.",
        "Use concrete resources for maths.",
        "Mark the key ideas, not every spelling.",
        "Pre-teach the topic words on Monday.",
    ],
    SEMH: [
        "Meet and greet at the door each morning.",
        "Allow the time-out card: a set place, back within five minutes.",
        "Praise privately and specifically.",
        "Give a responsible job at unstructured times.",
        "Tell them about cover teachers and trips in advance.",
        "Use a calm, low voice and offer choices.",
    ],
    "HI": [
        "Seat at the front, away from the noisy corner.",
        "Check the radio aid at the start of each lesson.",
        "Repeat other pupils' answers before replying.",
        "Turn on subtitles for every video.",
    ],
    "VI": [
        "Enlarge handouts to A3 or share them on the tablet.",
        "Seat away from glare; say what you write on the board.",
        "Keep walkways clear and bags off the floor.",
        "Follow the qualified teacher of the visually impaired's advice on font size.",
    ],
    "PD": [
        "Let them leave lessons two minutes early.",
        "Plan PE with the physiotherapist's programme.",
        "Allow a laptop for written work.",
        "Keep a clear route to their seat.",
    ],
    "": [
        "Give instructions one at a time and check understanding.",
        "Seat near the front, away from the door.",
        "Break tasks into short steps with a break between.",
        "Check in quietly at the start of independent work.",
    ],
}
PUPIL_WORDS = [
    "I like it when my teacher tells me what is happening. I don't like it when it is noisy.",
    "I am good at {interest}. I want to get better at reading.",
    "I like school when I can work with my friends.",
    "Sometimes I get stuck and I don't want to say. I like it when someone notices.",
    "My favourite thing is {interest}. Maths is hard but I'm getting better.",
    "I want people to know I am trying my best.",
    "I like the quiet room. It helps me calm down.",
    "I don't like writing a lot. I like telling my ideas.",
]
PARENT_WORDS = [
    "{first} is happiest with a routine; tell us about changes and we will prepare at home.",
    "{first} works really hard and gets tired by the end of the day.",
    "We would like {first} to make more friends at school.",
    "{first} loves {interest}; it is a great way to start a conversation.",
    "{first} worries about getting things wrong. Encouragement makes a big difference.",
    "Homework is a battle at home; short tasks help.",
    "{first} has come on so much this year. Thank you for the small groups.",
    "Please let us know about good days as well as hard ones.",
]


def passport_text(*, upn: str, first: str, primary: str, area: str) -> dict[str, str]:
    """One pupil's passport, in the first person, with what helps and what staff do suited to
    the broad area of their primary need."""
    rng = random.Random(zlib.crc32(f"{upn}:{first}:{primary}".encode()))  # noqa: S311 - demo
    area = SENSORY.get(primary, area if area in WHAT_HELPS else "")
    likes = rng.sample(INTERESTS, 2)
    return {
        "about_me": f"I like {likes[0]} and {likes[1]}. {rng.choice(FACTS)}",
        "important_to_me": " ".join(rng.sample(IMPORTANT, 2)),
        "strengths": " ".join(rng.sample(STRENGTHS, rng.randint(2, 3))),
        "what_helps": " ".join(rng.sample(WHAT_HELPS[area], 3)),
        "what_does_not_help": " ".join(rng.sample(NOT_HELPFUL[area], 2)),
        "communication": rng.choice(COMMUNICATION[area]),
        "strategies": " ".join(rng.sample(STRATEGIES[area], 3)),
        "pupil_words": rng.choice(PUPIL_WORDS).format(interest=likes[0]),
        "parent_words": rng.choice(PARENT_WORDS).format(first=first, interest=likes[1]),
    }

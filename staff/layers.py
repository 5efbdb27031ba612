"""The project's own apps in their floors, ground floor first. An app imports only the apps of the
floors below it and itself; the apps of one floor stand side by side and never import each other
(tests/test_architecture.py checks it). Settings, the form-bounds check and the tests read their
list of apps from here, so a new app is added once.

Plain data with no imports: settings read it before Django is set up.
"""

LAYERS: tuple[tuple[str, ...], ...] = (
    ("staff",),
    ("register",),
    ("provision",),
    ("agencies",),
    ("plans", "ehcp", "premium", "lac", "training"),
    ("families", "exams"),
    ("reports", "inforeport"),
    ("sendco",),
)
APPS: tuple[str, ...] = tuple(app for floor in LAYERS for app in floor)

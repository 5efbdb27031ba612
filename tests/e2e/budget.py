"""Task budgets: a routine task done in a real browser, counting what the person does.

Everything a person does after signing in goes through `Counted`: each click, submit, tick and
choice in a select counts one, and typing into a field counts one however long the text. A journey
ends with `assert task.count <= N`, so a form that grows a step, a default that must be changed or
a page that needs one more click fails the journey that keeps the budget (issue 14).
"""

from __future__ import annotations


class Counted:
    """The interactions of a task after sign-in, counted as issue 14 counts them: each click,
    submit, select or tick is one, and typing into a field is one."""

    def __init__(self) -> None:
        self.done: list[str] = []  # what was done, for the message when a budget is broken

    @property
    def count(self) -> int:
        return len(self.done)

    def click(self, locator) -> None:
        locator.click()
        self.done.append(f"click {locator}")

    def check(self, locator) -> None:
        locator.check()
        self.done.append(f"tick {locator}")

    def select(self, locator, value: str | None = None, *, label: str | None = None) -> None:
        if label is not None:
            locator.select_option(label=label)
        else:
            locator.select_option(value)
        self.done.append(f"choose {label or value}")

    def type(self, locator, text: str) -> None:
        locator.fill(text)
        self.done.append(f"type into {locator}")

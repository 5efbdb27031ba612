from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .capabilities import Cap
from .tenancy import switcher_for


def tenancy(request: HttpRequest) -> dict:
    """The current school and role, and the schools the person can switch to (header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = getattr(request, "access", None)
    return {
        "current_school": getattr(request, "school", None),
        "access": access,
        "Cap": Cap,
        # Read only by a page that shows the switcher (not by the header's count, say).
        "switcher": SimpleLazyObject(lambda: switcher_for(user)),
    }

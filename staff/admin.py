from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AcademicYear, AuditEvent, ClosureDay, Membership, School, Term, Trust, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]


admin.site.register(Trust)
admin.site.register(School)
admin.site.register(Membership)
admin.site.register(AcademicYear)
admin.site.register(Term)
admin.site.register(ClosureDay)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "school", "object_repr"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# AC-12: the admin opens only for a session verified with a code (staff.middleware.MfaMiddleware
# sends an unverified one to the code or set-up page first; this is the lock behind that door).
_admin_has_permission = admin.site.has_permission


def _verified_admin_only(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return _admin_has_permission(request) and is_verified is not None and is_verified()


admin.site.has_permission = _verified_admin_only

# A person's authenticator app holds the secret their codes come from, and removing it changes
# how they sign in: both only through the audited pages (staff/mfa/), never the admin.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from staff import views as staff_views
from staff.forms import SignInForm

from . import reminder_views, views

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", staff_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", staff_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        staff_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "welcome/<uidb64>/<token>/",
        staff_views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(account_patterns)),
    path("accounts/mfa/", include("staff.mfa.urls")),
    path("s/<slug:school_slug>/", views.school_home, name="school_home"),
    path("s/<slug:school_slug>/deadlines/", views.deadlines, name="deadlines"),
    path("s/<slug:school_slug>/vulnerable/", views.vulnerable_pupils, name="vulnerable"),
    path("s/<slug:school_slug>/premium/gaps/", views.premium_gaps, name="premium_gaps"),
    path("s/<slug:school_slug>/", include("staff.urls")),
    path("s/<slug:school_slug>/", include("staff.calendar_urls")),
    path("s/<slug:school_slug>/", include("register.urls")),
    path("s/<slug:school_slug>/", include("provision.urls")),
    path("s/<slug:school_slug>/", include("provision.manage_urls")),
    path("s/<slug:school_slug>/", include("provision.impact_urls")),
    path("s/<slug:school_slug>/", include("provision.map_urls")),
    path("s/<slug:school_slug>/", include("plans.urls")),
    path("s/<slug:school_slug>/", include("ehcp.urls")),
    path("s/<slug:school_slug>/", include("premium.urls")),
    path("s/<slug:school_slug>/", include("lac.urls")),
    path("s/<slug:school_slug>/", include("training.urls")),
    path("s/<slug:school_slug>/", include("agencies.urls")),
    path("s/<slug:school_slug>/", include("agencies.early_help_urls")),
    path("s/<slug:school_slug>/", include("families.urls")),
    path("s/<slug:school_slug>/", include("exams.urls")),
    path("s/<slug:school_slug>/", include("exams.evidence_urls")),
    path("s/<slug:school_slug>/", include("reports.urls")),
    path("s/<slug:school_slug>/", include("inforeport.urls")),
    path("p/<slug:school_slug>/", include("inforeport.public_urls")),
    path("f/", include("families.public_urls")),
    path("s/<slug:school_slug>/", include("register.census_urls")),
    path("s/<slug:school_slug>/", include("register.import_urls")),
    path("t/<slug:trust_slug>/", views.trust_dashboard, name="trust_dashboard"),
    path("t/<slug:trust_slug>/vulnerable/", views.trust_vulnerable, name="trust_vulnerable"),
    path("t/<slug:trust_slug>/training/", views.trust_training, name="trust_training"),
    path("t/<slug:trust_slug>/compare/", views.trust_compare, name="trust_compare"),
    path("t/<slug:trust_slug>/compare/board/", views.trust_board, name="trust_board"),
    path("t/<slug:trust_slug>/compare/board/pdf/", views.trust_board_pdf, name="trust_board_pdf"),
    path("notifications/", reminder_views.notification_list, name="notifications"),
    path("notifications/count/", reminder_views.notification_count, name="notifications_count"),
    path("notifications/read/", reminder_views.notifications_read, name="notifications_read"),
    path(
        "notifications/<int:pk>/open/", reminder_views.notification_open, name="notification_open"
    ),
    path("notifications/settings/", reminder_views.reminder_settings, name="reminder_settings"),
    path("notifications/feed/", reminder_views.feed_create, name="feed_create"),
    path("notifications/feed/revoke/", reminder_views.feed_revoke, name="feed_revoke"),
    path(
        "s/<slug:school_slug>/notifications/check/",
        reminder_views.reminders_check,
        name="reminders_check",
    ),
    path("feeds/<str:token>.ics", reminder_views.calendar_feed, name="calendar_feed"),
    path("admin/", admin.site.urls),
]

from django.urls import path

from . import views

app_name = "mfa"

# Mounted under /accounts/mfa/ by sendco/urls.py.
urlpatterns = [
    path("", views.account, name="account"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("remove/", views.remove, name="remove"),
]

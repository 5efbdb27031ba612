app_name = "agencies"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns: list = []

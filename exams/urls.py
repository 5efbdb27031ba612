app_name = "exams"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns: list = []

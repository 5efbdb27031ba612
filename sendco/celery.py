import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendco.settings")
# `make run`'s Redis-free broker (filesystem://): kombu's transport, each message written
# atomically (sendco/broker.py says why).
TRANSPORT_ALIASES["filesystem"] = "sendco.broker:Transport"

app = Celery("sendco")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

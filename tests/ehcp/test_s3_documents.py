"""Documents on S3-compatible storage (DOCUMENTS_STORAGE=s3), end to end against a real S3 server
(moto's, started here on 127.0.0.1): uploaded through the advice form, read back only through
the permission-checked view, never given a URL, and gone from the bucket once replaced or once
their advice is deleted."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ehcp import services
from ehcp.models import Advice
from register.mis_import import staging
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority, make_plan
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

REPO_ROOT = Path(__file__).resolve().parents[2]
BUCKET = "sendco-documents-test"
# One port of 8161-8163 per xdist worker, so two workers running these tests do not collide.
PORT = 8161 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
ENDPOINT = f"http://127.0.0.1:{PORT}"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105 - moto accepts any key
    "AWS_DEFAULT_REGION": "eu-west-2",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHER_PDF = PDF.replace(b"Catalog", b"Catalog /Lang (en-GB)")


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on 127.0.0.1, with an empty private bucket; yields a client of it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=PORT, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in CREDENTIALS.items():
            patch.setenv(key, value)
        client = boto3.client("s3", endpoint_url=ENDPOINT, region_name="eu-west-2")
        # moto keeps its buckets in this process: when the tests of this module are run apart
        # (the suite's order) and the server starts again, the bucket is still there.
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
            )
        yield client
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """The documents storage pointed at the bucket, as DOCUMENTS_STORAGE=s3 configures it
    (`test_the_environment_switches_documents_to_s3` checks that), emptied after each test."""
    settings.STORAGES = {**settings.STORAGES, "documents": s3_settings()}
    # The field resolved its storage when the model was loaded: give it the new one.
    monkeypatch.setattr(Advice._meta.get_field("document"), "storage", storages["documents"])
    yield s3_server
    for key in keys(s3_server):
        s3_server.delete_object(Bucket=BUCKET, Key=key)


def s3_settings() -> dict:
    return {
        "BACKEND": "staff.storage.DocumentsS3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "location": "documents",
            "endpoint_url": ENDPOINT,
            "region_name": "eu-west-2",
            "addressing_style": "path",
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def advice(school, sendco, teacher):
    """Advice asked of an educational psychologist for the annual review of Mina, who is in
    the teacher's class."""
    today = timezone.localdate()
    year = school_calendar.create_default_year(
        school=school, academic_year_start=school_calendar.academic_year_start_for(today)
    )
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Mine")
    put_on(mina, "E", date(2025, 1, 6), "SLCN")
    class_of(school, "3T", teachers=[teacher], pupils=[mina], year=year)
    plan = make_plan(mina, make_authority(school), issued_on=today - timedelta(days=300), by=sendco)
    access = access_for(sendco, school)
    review = services.review_schedule(
        access=access, plan=plan, meeting_on=today + timedelta(days=21), today=today, place="4"
    )
    return services.advice_request(
        access=access,
        review=review,
        contributor="ep",
        name="Dr Ellis",
        requested_on=today - timedelta(days=5),
        today=today,
    )


def url(name: str, school, public_id) -> str:
    return reverse(f"ehcp:{name}", args=[school.slug, public_id])


def upload(client, school, advice, content: bytes, name: str):
    return client.post(
        url("advice_receive", school, advice.public_id),
        {
            "received_on": timezone.localdate().isoformat(),
            "summary": "EP report",
            "document": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def test_a_document_goes_to_the_bucket_and_back_only_through_the_checked_view(
    client, school, sendco, head, teacher, advice, bucket, django_capture_on_commit_callbacks
):
    client.force_login(sendco)
    assert upload(client, school, advice, PDF, "Mina Mine EP report.pdf").status_code == 302

    advice.refresh_from_db()
    [key] = keys(bucket)
    assert key == f"documents/{advice.document.name}"
    assert key.startswith(f"documents/advice/{school.pk}/")
    assert "Mina" not in key  # the stored name never carries the uploader's file name
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PDF
    assert stored["ServerSideEncryption"] == "AES256"
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"]["Type"] == "Group"] == []

    document = url("document", school, advice.public_id)
    for reader in (sendco, head):
        client.force_login(reader)
        response = client.get(document)
        assert response.status_code == 200
        assert response.content == PDF
        assert 'filename="Mina Mine EP report.pdf"' in response["Content-Disposition"]
        assert ENDPOINT not in str(response.headers)  # served, not redirected to the bucket
    assert AuditEvent.objects.filter(action="ehcp.document_downloaded").count() == 2

    client.force_login(teacher)  # teaches Mina, but did not give this advice
    assert client.get(document).status_code == 403
    client.force_login(member(school, "teacher", email="other-teacher@acorn.test"))
    assert client.get(document).status_code == 404  # teaches no class of Mina's
    client.force_login(sendco)
    page = client.get(reverse("ehcp:review", args=[school.slug, advice.review.public_id]))
    assert ENDPOINT not in page.content.decode()
    assert "X-Amz-Signature" not in page.content.decode()


def test_documents_have_no_url_to_leak(bucket):
    with pytest.raises(NotImplementedError, match="no URL"):
        storages["documents"].url("advice/1/any.pdf")


def test_a_replaced_or_deleted_document_is_gone_from_the_bucket(
    client, school, sendco, advice, bucket, django_capture_on_commit_callbacks
):
    client.force_login(sendco)
    upload(client, school, advice, PDF, "first.pdf")
    [first] = keys(bucket)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, school, advice, OTHER_PDF, "second.pdf").status_code == 302
    [second] = keys(bucket)
    assert second != first
    response = client.get(url("document", school, advice.public_id))
    assert response.content == OTHER_PDF

    with django_capture_on_commit_callbacks(execute=True):
        Advice.objects.get(pk=advice.pk).delete()
    assert keys(bucket) == []


def test_a_document_missing_from_the_bucket_is_a_404_not_an_error(
    client, school, sendco, advice, bucket
):
    client.force_login(sendco)
    upload(client, school, advice, PDF, "report.pdf")
    [key] = keys(bucket)
    bucket.delete_object(Bucket=BUCKET, Key=key)
    assert client.get(url("document", school, advice.public_id)).status_code == 404


def test_the_environment_switches_documents_to_s3():
    """DOCUMENTS_STORAGE=s3 and the AWS_* variables give the storage the tests above use;
    without them documents stay on the local volume."""
    probe = (
        "import django, json; django.setup();"
        "from django.conf import settings; from ehcp.models import Advice;"
        "storage = Advice._meta.get_field('document').storage;"
        "print(json.dumps([settings.STORAGES['documents'], type(storage).__name__]))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DOCUMENTS_"))
    }
    s3 = {
        "DOCUMENTS_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": ENDPOINT,
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    answers = [
        subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", probe],
            cwd=REPO_ROOT,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        for extra in ({}, s3)
    ]
    (local, local_class), (remote, remote_class) = (json.loads(a) for a in answers)
    assert local_class == "FileSystemStorage"
    assert local["OPTIONS"]["base_url"] is None
    assert remote_class == "DocumentsS3Storage"
    assert remote == s3_settings()


def test_an_mis_import_waits_in_the_bucket_for_any_web_process(bucket, settings):
    """Between the dry run and Apply the file waits in the bucket, not on one machine's disk,
    so Apply works whichever web process it reaches; and it is gone once taken or swept."""
    settings.DOCUMENTS_STORAGE = "s3"
    now = timezone.now()
    raw = b"UPN,Forename\nA123456789012,Mina\n"
    token = staging.store(raw)
    assert keys(bucket) == [f"documents/imports/{token}.csv"]
    pending = staging.pending(
        token=token, sha256=hashlib.sha256(raw).hexdigest(), fingerprint="f", school_id=7, now=now
    )
    assert staging.take(token=token, pending=pending, school_id=7, now=now) == raw
    staging.discard(token)
    assert keys(bucket) == []

    forgotten = staging.store(b"old")
    staging.sweep(now + staging.LIFETIME - timedelta(minutes=1))
    assert keys(bucket) == [f"documents/imports/{forgotten}.csv"]  # within the hour: kept
    staging.sweep(now + staging.LIFETIME + timedelta(minutes=1))
    assert keys(bucket) == []

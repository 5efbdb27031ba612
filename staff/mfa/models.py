"""Backup codes: for the day the phone is lost. Stored hashed (salted SHA-256), each used once.

A django-otp device of their own, so a session verified with a backup code is verified exactly
like one verified with the app (django-otp's own static device keeps its codes in plain text).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

# No 0/o, 1/l/i: read off paper and typed on a school laptop.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10


def normalise_backup_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_backup_code(code)}".encode()).hexdigest()


class BackupCodeDevice(ThrottlingMixin, Device):
    """A person's set of backup codes (one device each; new codes replace the old ones)."""

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        given = normalise_backup_code(str(token))
        for code in self.codes.filter(used_at__isnull=True):
            if hmac.compare_digest(code.digest, _digest(code.salt, given)):
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                self.throttle_reset()
                return True
        self.throttle_increment()
        return False

    def replace_codes(self, count: int = 10) -> list[str]:
        """New codes in place of every old one; the plain codes are returned once, to show."""
        self.codes.all().delete()
        plain = [
            "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
            for _ in range(count)
        ]
        rows = []
        for code in plain:
            salt = secrets.token_hex(8)
            rows.append(BackupCode(device=self, salt=salt, digest=_digest(salt, code)))
        BackupCode.objects.bulk_create(rows)
        return [f"{code[:5]}-{code[5:]}" for code in plain]

    def codes_left(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "staff"

    def __str__(self) -> str:
        return f"Backup code {'used' if self.used_at else 'unused'}"

"""The database connection's settings (sendco/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_runs_without_its_jit_compiler():
    """Compiling cost a 200 ms aggregate 1,250 ms at the 110-school trust (PG_JIT turns it on)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

"""The database itself refuses to change history: UPDATE, DELETE and TRUNCATE raise.

The function and triggers are created in each tenant schema (migrations run with the
tenant's search_path); ``audit.services.ensure_append_only`` re-installs them idempotently
after a schema clone, in case the clone did not copy triggers.
"""
from django.db import migrations

from factortrace.audit.sql import APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL)]

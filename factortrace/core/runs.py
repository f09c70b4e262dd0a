"""Background runs shown to people with a progress bar — report runs, import jobs — and the one
lifecycle they share.

    queued ──run_start()──► running ──(the work)──► succeeded | failed
                               │ Progress(run)(percent, message) …
    run_fail()        after the task's last retry (or an error that is not worth retrying)
    run_fail_stale()  runs lost for hours (every retry used up, the message lost)
    run_task()        the body of the Celery task that does the work of one run: the tenant's
                      fair share of the workers, the time limit, failures and retries

Bounds: a run is started at most ``MAX_ATTEMPTS`` times — retries and redeliveries after a lost
worker (``acks_late`` + ``reject_on_worker_lost``) both count —, then it fails with a message
saying so, instead of being delivered again until the stale sweep. A tenant runs at most
``RUNS_PER_TENANT`` runs at once (a lease in Valkey); its further runs wait, re-queued a few
seconds later, so one tenant's pile of imports and reports cannot hold every worker while other
tenants wait behind it. Celery's soft time limit ends a run with a clear message; the hard limit
and ``worker_max_memory_per_child`` bound the worker (settings: CELERY_TASK_*).

A subclass of :class:`Run` declares ``status`` with its own ``Status`` choices, which must have
the members QUEUED, RUNNING, SUCCEEDED and FAILED (their values and labels are its own: an
import "validating", a report "running"), and may override :meth:`Run.reset` to clear its own
results when a run starts over. Idempotence is the contract: a finished run is never started
again, and of two deliveries of one task only one can be past :func:`run_start` at a time
(the run's row is locked there).

This module imports no other app of the project.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

from .models import user_ref
from .tasks import INFRASTRUCTURE_ERRORS

logger = logging.getLogger(__name__)

R = TypeVar("R", bound="Run")


class Run(models.Model):
    """Who asked, when it started and finished, how far it got, how many attempts it took, and
    why it failed."""

    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True, help_text="Current step, shown under the progress bar.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = user_ref(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    #: A run still queued or running this long after it was requested is lost (see run_fail_stale).
    STALE_AFTER = dt.timedelta(hours=2)
    #: Starts (retries and redeliveries included) after which an unfinished run is failed.
    MAX_ATTEMPTS = 3
    #: Messages of the lifecycle, per kind of run (subclasses word them for their people).
    STARTING_MESSAGE = "Starting"
    FAILED_MESSAGE = "Failed"
    STALE_ERROR = "The run did not finish (the worker was lost); please start it again."
    INTERRUPTED_ERROR = ("The run was started {attempts} times and never finished: each time the worker doing it was "
                         "lost (stopped for using too much memory or time, or restarted). Please start it again; if "
                         "it fails again, make it smaller.")

    class Status(models.TextChoices):  # the members every subclass's Status has
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def progress_key(self) -> str:
        """Cache key of the live progress (cache keys carry the schema)."""
        return f"runs:{self._meta.label_lower}:{self.pk}:progress"

    def reset(self) -> None:
        """Clear this kind's results before a (re)start; the run is saved afterwards."""

    def live_progress(self) -> tuple[int, str]:
        """(percent, message): from the cache while the run is unfinished (work done inside a
        transaction cannot show on the row until it commits), else from the row."""
        if not self.is_finished:
            cached = cache.get(self.progress_key)
            if cached:
                return tuple(cached)
        return self.progress, self.message


# ---------------------------------------------------------------- the lifecycle
def run_start(model: type[R], pk: int) -> tuple[R, bool]:
    """Lock the run and start it: ``(run, True)``. A finished run is returned as it is: ``(run, False)``.

    A run that is started again (a retry, a redelivery after a lost worker) starts over: one more
    attempt, its results cleared by :meth:`Run.reset`.
    """
    with transaction.atomic():
        run = model.objects.select_for_update().get(pk=pk)
        if run.is_finished:
            return run, False
        if run.attempts >= model.MAX_ATTEMPTS:
            # Delivered again after it was started MAX_ATTEMPTS times (the worker was lost each time).
            run.status, run.finished_at = model.Status.FAILED, timezone.now()
            run.error = model.INTERRUPTED_ERROR.format(attempts=run.attempts)
            run.message = model.FAILED_MESSAGE[:200]
            run.save(update_fields=["status", "finished_at", "error", "message"])
            logger.warning("%s %s: given up after %s attempts", model._meta.label, pk, run.attempts)
            return run, False
        run.status = model.Status.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.finished_at = None
        run.progress, run.message, run.error = 0, run.STARTING_MESSAGE, ""
        run.reset()
        run.save()
    cache.delete(run.progress_key)
    return run, True


def run_finish(run: Run, status: str, *, message: str, **fields) -> None:
    """Record the end of a run on its row (inside the caller's transaction, if any, so the result
    commits with whatever it produced). A success is at 100 %; a failure stays where it stopped
    unless ``progress`` is given."""
    fields.update(status=status, finished_at=timezone.now(), message=message[:200])
    if status == type(run).Status.SUCCEEDED:
        fields.setdefault("progress", 100)
    type(run).objects.filter(pk=run.pk).update(**fields)
    cache.delete(run.progress_key)


def run_fail(model: type[Run], pk: int, error: str, *, message: str | None = None) -> int:
    """Mark a run failed with ``error`` (after the task's last retry); never touches a finished run."""
    updated = model.objects.filter(pk=pk).exclude(status__in=[model.Status.SUCCEEDED, model.Status.FAILED]).update(
        status=model.Status.FAILED, error=error[:2000], finished_at=timezone.now(),
        message=(message or model.FAILED_MESSAGE)[:200])
    return updated


def run_fail_stale(model: type[Run]) -> int:
    """Runs still queued or running ``STALE_AFTER`` after they were requested, or running for longer
    than the hard time limit (their worker was killed), are marked failed — nothing of them was
    kept —, so nobody waits on them forever."""
    now = timezone.now()
    killed = now - dt.timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 0) or 3600) + 300)
    lost = models.Q(status__in=[model.Status.QUEUED, model.Status.RUNNING], created_at__lt=now - model.STALE_AFTER)
    return model.objects.filter(lost | models.Q(status=model.Status.RUNNING, started_at__lt=killed)).update(
        status=model.Status.FAILED, finished_at=now, error=model.STALE_ERROR, message=model.FAILED_MESSAGE[:200])


class Progress:
    """Reports a run's progress at most every ``every`` seconds (a 100,000-row import must not cost
    100,000 writes): to the cache always, and to the run's row unless ``in_transaction`` — the row
    written inside a long transaction would stay invisible (and locked) until it commits."""

    def __init__(self, run: Run, *, every: float = 0.5):
        self.run = run
        self.every = every
        self.in_transaction = False
        self._last = 0.0

    def __call__(self, percent: float, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        value = (max(0, min(99, int(percent))), message[:200])
        cache.set(self.run.progress_key, value, timeout=24 * 3600)
        if not self.in_transaction:
            type(self.run).objects.filter(pk=self.run.pk).update(progress=value[0], message=value[1])


# ---------------------------------------------------------------- fair shares
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""
_valkey = None


def _client():
    """A client of the Valkey the cache uses (RUNS_VALKEY_URL overrides it)."""
    global _valkey
    if _valkey is None:
        import redis  # noqa: PLC0415 — only workers take slots

        url = getattr(settings, "RUNS_VALKEY_URL", "") or settings.CACHES["default"]["LOCATION"]
        _valkey = redis.Redis.from_url(url, socket_timeout=5)
    return _valkey


def _slots_key(schema: str) -> str:
    return f"factortrace:runs:slots:{schema}"


def slot_take(schema: str, holder: str) -> bool:
    """Take one of the tenant's ``RUNS_PER_TENANT`` run slots for ``holder`` (a task id; taking it
    again is allowed, e.g. after a redelivery). A slot is a lease: it lapses after the hard time
    limit, so a worker killed while holding one cannot block its tenant for long."""
    lease = (int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 3600) or 3600) + 60) * 1000
    now = int(time.time() * 1000)
    limit = int(getattr(settings, "RUNS_PER_TENANT", 1))
    try:
        return bool(_client().eval(_TAKE, 1, _slots_key(schema), now, now + lease, holder, limit, lease))
    except Exception:
        logger.warning("run slots unavailable; running without the tenant's limit", exc_info=True)
        return True


def slot_release(schema: str, holder: str) -> None:
    try:
        _client().zrem(_slots_key(schema), holder)
    except Exception:
        logger.warning("run slot of %s not released", schema, exc_info=True)


def _defer(task) -> str:
    """Queue the same task again a few seconds from now, on the same queue, in the same schema."""
    delay = float(getattr(settings, "RUNS_DEFER_SECONDS", 3))
    queue = (task.request.delivery_info or {}).get("routing_key")
    task.apply_async(args=task.request.args, kwargs=task.request.kwargs, countdown=delay * (1 + random.random() / 2),
                     headers={"_schema_name": connection.schema_name}, **({"queue": queue} if queue else {}))
    return "deferred"


# ---------------------------------------------------------------- the task body
def run_task(task, *, work: Callable[[], str], fail: Callable[[str], None], label: str) -> str:
    """The body of a task that does the work of one run (declare the task with
    ``autoretry_for=INFRASTRUCTURE_ERRORS`` and ``max_retries=Run.MAX_ATTEMPTS - 1``).

    Delivered by a worker, the task first takes one of its tenant's run slots; when they are all
    taken, it is queued again a few seconds later and the worker moves on. Infrastructure errors
    (database connection, file system) are retried and, after the last retry, recorded on the run
    with ``fail(reason)``. The soft time limit, and any other error — a problem with the data or a
    bug —, is recorded at once and not retried (it would happen again).
    """
    holder = None if task.request.called_directly else task.request.id
    schema = connection.schema_name
    if holder and not slot_take(schema, holder):
        logger.info("%s waits: %s has its share of runs going", label, schema)
        return _defer(task)
    try:
        return work()
    except SoftTimeLimitExceeded:
        limit = int(getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 0) or 0)
        logger.warning("%s stopped at the soft time limit", label)
        fail(f"It was stopped after {limit // 60} minutes, the time limit of one run; make it smaller (split the "
             "file, or choose a shorter period) and start it again.")
        return "failed"
    except Exception as exc:
        infrastructure = isinstance(exc, INFRASTRUCTURE_ERRORS)
        if not infrastructure or task.request.retries >= task.max_retries:
            logger.exception("%s failed", label)
            fail(f"{exc.__class__.__name__}: {exc}")
            if not infrastructure:
                return "failed"
        raise
    finally:
        if holder:
            slot_release(schema, holder)

"""A report kind for pipeline tests only: it takes a while, in steps, so a test can kill the
worker in the middle. Registered by the test process and by the test worker (tests/worker_app.py)."""
import time

from reports.registry import OutputFormat, ReportKind, get, register


def _build(ctx):
    steps = int(ctx.params.get("steps", 6))
    for step in range(steps):
        ctx.progress(int(100 * step / steps), f"Step {step + 1} of {steps}")
        time.sleep(float(ctx.params.get("step_seconds", 0.5)))
    return {"tenant": ctx.tenant.name, "attempt": ctx.report.attempts}


def _render(data, ctx):
    return f"{data['tenant']}\n".encode()


try:
    SLOW = get("test.slow")
except KeyError:
    SLOW = register(ReportKind(code="test.slow", title="Slow test report", regime="platform",
                               description="test only", build=_build,
                               formats=(OutputFormat("txt", "Text", "text/plain", "txt", _render),)))

"""A scheduler like `services.scheduler`, with one job every half second, for the lock's tests.

`celery -A tests.support.probe_beat beat`; the job goes to the queue PROBE_BEAT_QUEUE, which no
worker consumes, so a test can count who sent what.
"""

import os

from shared.beat import use_locked_scheduler
from shared.celery_app import make_celery
from shared.settings import get_settings

celery_app = make_celery("probe-beat", get_settings())
use_locked_scheduler(
    celery_app,
    {
        "probe.tick": {
            "task": "probe.tick",
            "schedule": 0.5,
            "options": {"queue": os.environ.get("PROBE_BEAT_QUEUE", "probe-beat")},
        }
    },
)

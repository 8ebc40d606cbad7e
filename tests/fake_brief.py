"""`brief` with a fake upper-casing translator, for subprocess tests (kill, pipes) that need no model.

BRIEF_TEST_KILL_AFTER_BATCHES=N: SIGKILL this process when the model is called for the (N+1)-th time.
BRIEF_TEST_KILL_AT_RENAME=N: SIGKILL it just before the N-th output is renamed into place (its temp file stays).
"""

import os
import signal
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from fakes import FakeTranslator, fake_loader  # noqa: E402

from translate_cli import backends  # noqa: E402
from translate_cli.cli import main  # noqa: E402
from translate_cli.engine import CallLimits  # noqa: E402

kill_after = int(os.environ.get("BRIEF_TEST_KILL_AFTER_BATCHES", "0"))
kill_at_rename = int(os.environ.get("BRIEF_TEST_KILL_AT_RENAME", "0"))


class KillingTranslator(FakeTranslator):
    def translate_batch(self, texts, decoding):
        if kill_after and len(self.batches) >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().translate_batch(texts, decoding)


# 16 sentences a call: a run makes many calls, so a kill can land in the middle of one.
backends.load_engine = fake_loader(KillingTranslator(call_limits=CallLimits(items=16, tokens=4096)))

if kill_at_rename:
    real_replace = os.replace
    renames = 0

    def replace_then_maybe_die(src, dst):
        global renames
        renames += 1
        if renames == kill_at_rename:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    os.replace = replace_then_maybe_die

main()

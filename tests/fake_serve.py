"""`brief serve` with a fake translator that holds each model call until a file exists, for the SIGTERM test.

BRIEF_TEST_STARTED: a file this creates when a model call begins. BRIEF_TEST_RELEASE: the file it waits for.
"""

import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from fakes import FakeTranslator, fake_loader  # noqa: E402

from translate_cli import backends  # noqa: E402
from translate_cli.cli import main  # noqa: E402


class HeldTranslator(FakeTranslator):
    def translate_batch(self, texts, decoding):
        Path(os.environ["BRIEF_TEST_STARTED"]).touch()
        deadline = time.monotonic() + 60
        while not Path(os.environ["BRIEF_TEST_RELEASE"]).exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # a test's fake: released by the test through the file system
        return super().translate_batch(texts, decoding)


backends.load_engine = fake_loader(HeldTranslator())
main()

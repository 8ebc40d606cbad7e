"""The server's queue with a held fake model (a real uvicorn server on 127.0.0.1, real HTTP): concurrent requests
share model calls; a full queue answers 429 with Retry-After and the server recovers; a request over the time limit
gets 504; SIGTERM during a request lets it finish, then the process exits 0."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason='the serve extra is not installed (pip install "brief-translate[serve]")')

from fakes import FakeTranslator  # noqa: E402
from test_serve import _free_port, call, post_json, start_server  # noqa: E402

import translate_cli  # noqa: E402


class HeldTranslator(FakeTranslator):
    """Each model call waits for `gate`; `entered` says a call has begun."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def translate_batch(self, texts, decoding):
        self.entered.set()
        assert self.gate.wait(60), "the test never opened the gate"
        return super().translate_batch(texts, decoding)


def wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)  # polling a condition of the server, not waiting out a guess


@pytest.fixture
def held_server():
    import uvicorn

    from translate_cli.serve import log_config
    from translate_cli.serve.app import ServerSettings, create_app
    from translate_cli.serve.service import TranslationService

    def start(translator=None, **settings):
        translator = translator or HeldTranslator()
        pipeline = translate_cli.load(translator, summarizer="extractive")
        service = TranslationService(pipeline, max_queue=2)
        app = create_app(service, ServerSettings(**settings))
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=log_config(),
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        wait_for(lambda: server.started, "the server started")
        started.append((server, thread, service, translator))
        return f"http://127.0.0.1:{port}", service, translator

    started: list = []
    yield start
    for server, thread, service, translator in started:
        translator.gate.set()
        server.should_exit = True
        thread.join(30)
        service.close(30)


def test_a_full_queue_is_429_with_retry_after_and_queued_requests_share_a_model_call(held_server):
    url, service, translator = held_server()
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(post_json, url + "/translate", {"q": "Le ministre arrive.", "source": "fr"})
        wait_for(translator.entered.is_set, "the first request reached the model")
        queued = [pool.submit(post_json, url + "/translate", {"q": text, "source": "fr"})
                  for text in ("La grève continue.", "Le budget est adopté.")]
        wait_for(lambda: service.queued == 2, "two requests queued")
        status, headers, body = post_json(url + "/translate", {"q": "Une de trop.", "source": "fr"})
        assert status == 429 and int(headers["Retry-After"]) >= 1
        assert body["error"].startswith("brief is busy: retry in ")
        translator.gate.set()
        answers = [first.result(60), *(future.result(60) for future in queued)]
    assert [(status, body["translatedText"]) for status, _, body in answers] == [
        (200, "LE MINISTRE ARRIVE."), (200, "LA GRÈVE CONTINUE."), (200, "LE BUDGET EST ADOPTÉ.")]
    # the two queued requests: one model call
    assert sorted(map(sorted, translator.batches)) == [["La grève continue.", "Le budget est adopté."],
                                                       ["Le ministre arrive."]]
    assert post_json(url + "/translate", {"q": "Encore une.", "source": "fr"})[::2] == (
        200, {"translatedText": "ENCORE UNE."})  # recovered


def test_a_request_over_the_time_limit_is_504(held_server):
    url, _, translator = held_server(request_timeout=0.2)
    status, _, body = post_json(url + "/v1/translate", {"text": "Le ministre arrive."})
    assert status == 504 and body == {"error": {"kind": "setup", "message":
                                                "translation took longer than 0.2 s (--request-timeout)"}}
    translator.gate.set()


def test_sigterm_during_a_request_lets_it_finish_then_exits_0(tmp_path):
    env = {**os.environ, "BRIEF_TEST_STARTED": str(tmp_path / "started"), "BRIEF_TEST_RELEASE": str(tmp_path / "go"),
           "BRIEF_SUMMARIZER": "extractive"}
    server = start_server([], env, command=[sys.executable, str(Path(__file__).with_name("fake_serve.py"))])
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(post_json, server.url + "/v1/translate", {"text": "« Oui », dit-il."})
        wait_for((tmp_path / "started").exists, "the request reached the model")
        server.process.send_signal(signal.SIGTERM)
        (tmp_path / "go").touch()
        status, _, body = answer.result(60)
    out, err = server.process.communicate(timeout=60)
    assert status == 200 and body["translation"] == "“OUI”, DIT-IL."
    assert server.process.returncode == 0 and out == b"" and b"Traceback" not in err



class BrokenTranslator(HeldTranslator):
    def translate_batch(self, texts, decoding):
        raise RuntimeError("CUDA error: an illegal memory access was encountered\nmore detail")


def test_a_translation_failure_is_500_in_one_line_and_the_server_goes_on(held_server):
    url, service, _ = held_server(BrokenTranslator())
    status, _, body = post_json(url + "/translate", {"q": "Le ministre arrive.", "source": "fr"})
    assert (status, body) == (500, {"error": "translation failed: unexpected error: RuntimeError: CUDA error: an "
                                             "illegal memory access was encountered (set BRIEF_DEBUG=1 for the "
                                             "traceback)"})
    status, _, body = post_json(url + "/v1/translate", {"text": "Le ministre arrive."})
    assert status == 500 and body["error"]["kind"] == "internal"
    assert call(url + "/health")[0] == 200 and service.queued == 0  # the model thread lives on


def test_format_html_places_a_link_through_its_own_translation(held_server):
    from test_fragments import dictionary

    translator = HeldTranslator()
    translator.fn = dictionary
    translator.gate.set()
    url, _, _ = held_server(translator)
    status, _, body = post_json(url + "/translate", {"q": ['<p>Lisez <a href="/a">l\'article</a> sur <b>la paix</b>.</p>',
                                                           "<p>Le ministre</p>"], "source": "fr", "format": "html"})
    assert status == 200
    assert body["translatedText"] == ['<p>Read <a href="/a">the article</a> on the peace.</p>',
                                      "<p>The minister</p>"]
    # the link's text has a model call of its own; the two documents share one
    assert translator.batches[-2:] == [["l'article"], ["Lisez l'article sur la paix.", "Le ministre"]]
    # markup without text comes back as given; text that is not Unicode (a lone surrogate) or not text is a 400
    status, _, body = post_json(url + "/translate", {"q": ["<br>", "<!-- c -->", " "], "format": "html"})
    assert (status, body["translatedText"]) == (200, ["<br>", "<!-- c -->", " "])
    for q, error in (("Le \ud800 ministre", "Invalid request: not Unicode text (a lone surrogate at character 3)"),
                     ("Le\x01 ministre", None)):
        status, _, body = post_json(url + "/translate", {"q": q, "format": "html"})
        assert status == 400 and (error is None or body["error"] == error), body


def test_a_bug_in_a_route_is_a_500_in_the_api_error_shape_and_the_server_goes_on(held_server, monkeypatch):
    from translate_cli.serve import app

    translator = HeldTranslator()
    translator.gate.set()
    url, _, _ = held_server(translator)

    def broken(fragment, result):
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "english_fragment", broken)
    status, headers, body = post_json(url + "/translate", {"q": "<p>Le ministre</p>", "format": "html"})
    assert (status, body) == (500, {"error": "unexpected error: RuntimeError: boom (set BRIEF_DEBUG=1 for the "
                                             "traceback)"})
    assert headers["Content-Type"] == "application/json"
    status, _, body = post_json(url + "/translate", {"q": "Le ministre", "source": "fr"})
    assert (status, body) == (200, {"translatedText": "LE MINISTRE"})


def _service(translator, max_queue: int):
    from translate_cli.reading import Source
    from translate_cli.serve.service import TranslationService

    pipeline = translate_cli.load(translator, summarizer="extractive", brief=False, retries=0)  # one call a window
    return TranslationService(pipeline, max_queue=max_queue), Source


def test_a_request_that_gave_up_frees_its_place_and_its_work_stops_at_the_next_window():
    from translate_cli.serve.service import Overloaded

    translator = HeldTranslator()
    service, Source = _service(translator, max_queue=1)
    try:
        # three documents of 100 sentences: translate_many's windows (of at least 128 sentences) are the first two
        # documents, then the third
        articles = [Source(" ".join(f"Le ministre {k}-{i} est arrivé." for i in range(100))) for k in range(3)]
        running = service.submit(articles)
        wait_for(translator.entered.is_set, "the first window is in the model")
        waiting = service.submit([Source("Il est parti.")])
        with pytest.raises(Overloaded):
            service.submit([Source("Il est parti.")])
        service.abandon(waiting)  # timed out before its turn: its place is free at once
        assert service.queued == 0
        after = service.submit([Source("Le sommet a duré.")])
        service.abandon(running)  # timed out while running
        translator.gate.set()
        assert [r.translation for r in after.result(30)] == ["LE SOMMET A DURÉ."]
        assert running.exception(30) is not None and waiting.cancelled()
        # the abandoned job's first window was translated, not the one after it
        assert sum(text.startswith("Le ministre") for text in translator.inputs) == 200
    finally:
        translator.gate.set()
        service.close(30)


def test_close_with_a_full_queue_returns_within_its_timeout_and_the_queued_jobs_still_finish():
    translator = HeldTranslator()
    service, Source = _service(translator, max_queue=1)
    first = service.submit([Source("Le ministre est arrivé.")])
    wait_for(translator.entered.is_set, "a model call is running")
    queued = service.submit([Source("Il est parti.")])
    started = time.monotonic()
    service.close(0.2)
    assert time.monotonic() - started < 5  # was a blocking put into the full queue
    translator.gate.set()
    assert [r.translation for r in first.result(30)] == ["LE MINISTRE EST ARRIVÉ."]
    assert [r.translation for r in queued.result(30)] == ["IL EST PARTI."]
    service.close(30)


def test_source_auto_gives_english_back_as_is_refuses_other_languages_and_items_are_capped(held_server):
    translator = HeldTranslator()
    translator.gate.set()
    url, _, _ = held_server(translator, max_items=3)
    english = "The minister said that the government would not change its plans for the budget this year."
    german = "Der Minister sagte, dass die Regierung ihre Pläne für den Haushalt nicht ändern werde und dass sie " \
             "mit den Ländern sprechen will."
    status, _, body = post_json(url + "/translate", {"q": [english, "Le ministre est arrivé.", "  "]})
    assert status == 200 and body["translatedText"] == [english, "LE MINISTRE EST ARRIVÉ.", "  "]
    assert [guess["language"] for guess in body["detectedLanguage"]] == ["en", "fr", "fr"]
    assert body["detectedLanguage"][0]["confidence"] > 0
    assert post_json(url + "/translate", {"q": german})[::2] == (400, {
        "error": "de → en is not supported (detected): brief translates French (fr) into English (en)"})
    assert post_json(url + "/translate", {"q": german, "source": "fr"})[0] == 200  # told it is French: translated
    assert post_json(url + "/translate", {"q": ["a", "b", "c", "d"]})[::2] == (400, {
        "error": "Invalid request: 4 items in q, over this server's limit of 3"})


class SteppedTranslator(FakeTranslator):
    """Each model call waits for a permit of its own; `calls` counts the calls begun."""

    def __init__(self) -> None:
        super().__init__()
        self.permits = threading.Semaphore(0)
        self.calls = 0

    def translate_batch(self, texts, decoding):
        self.calls += 1
        assert self.permits.acquire(timeout=60), "the test never let this call go"
        return super().translate_batch(texts, decoding)


def test_a_settings_group_whose_requests_all_gave_up_is_never_translated_and_nothing_is_kept():
    translator = SteppedTranslator()
    service, Source = _service(translator, max_queue=4)
    try:
        first = service.submit([Source("Le ministre est arrivé.")])
        wait_for(lambda: translator.calls == 1, "the first turn is in the model")
        kept = service.submit([Source("Il est parti.")])
        gave_up = service.submit([Source("Le sommet a duré.")], (("quotes", "straight"),))
        translator.permits.release()
        assert [r.translation for r in first.result(30)] == ["LE MINISTRE EST ARRIVÉ."]
        wait_for(lambda: translator.calls == 2, "the second turn's first group is in the model")
        service.abandon(gave_up)  # its group comes after this one in the same turn
        translator.permits.release(10)
        assert [r.translation for r in kept.result(30)] == ["IL EST PARTI."]
        assert gave_up.exception(30) is not None
        assert "Le sommet a duré." not in translator.inputs and translator.calls == 2
        service.abandon(first)  # already answered: nothing to stop, nothing kept
        assert not service._abandoned
    finally:
        translator.permits.release(100)
        service.close(30)

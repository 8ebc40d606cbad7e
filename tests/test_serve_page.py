"""The page at / in a real headless browser (Debian's Chromium and its chromedriver, through Selenium; nothing
downloads a browser): paste the seed article, submit, and every quotation is highlighted in the English and has
its ledger row; screenshots at 1280×800 and 390×844 go to tests/artifacts/ (BRIEF_TEST_ARTIFACTS to choose);
axe-core, run in the page, finds no serious or critical accessibility violation. /docs (Swagger UI) renders every
operation of /openapi.json from brief's own assets."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason='the serve extra is not installed (pip install "brief-translate[serve]")')
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency (pip install '.[test]')")
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):  # .ci/run installs both (apt-get install chromium chromium-driver)
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from test_serve import MODEL_FLAGS, post_json, start_server, stop_server  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "seeds" / "mali-russie-diop-lavrov.fr.txt"
ARTIFACTS = Path(os.environ.get("BRIEF_TEST_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))


@pytest.fixture(scope="module")
def page_server(tiny_marian_dir, tmp_path_factory):
    env = {**os.environ, "BRIEF_CACHE": str(tmp_path_factory.mktemp("page-cache")), "HF_HUB_OFFLINE": "1"}
    server = start_server(["--translator", str(tiny_marian_dir), *MODEL_FLAGS], env)
    yield server
    assert stop_server(server)[0] == 0


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-extensions", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    yield driver
    driver.quit()


def test_the_page_shows_every_quotation_highlighted_and_in_the_ledger(page_server, browser):
    article = SEED.read_text(encoding="utf-8")
    expected = post_json(page_server.url + "/v1/translate", {"text": article})[2]
    quotes = len(expected["quotes"])
    assert quotes >= 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        browser.set_window_size(width, height)
        browser.get(page_server.url + "/")
        area = browser.find_element(By.ID, "text")
        browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                               area, article)  # a paste: the whole article at once
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 120).until(
            lambda d: d.find_element(By.ID, "status").text.startswith(("Done", "Error")))
        assert browser.find_element(By.ID, "status").text == (
            f"Done: {quotes} quotations, {len(expected['sentences'])} sentences.")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#english mark.quote")) == quotes
        rows = browser.find_elements(By.CSS_SELECTOR, "#ledger tbody tr")
        assert len(rows) == quotes
        assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows] == [
            q["source"] for q in expected["quotes"]]
        assert browser.find_element(By.ID, "headline").text == expected["brief"]["headline"]
        # each sentence with its English and, beside it, what the checks found in it
        assert len(browser.find_elements(By.CSS_SELECTOR, "#sentences tbody tr")) == len(expected["sentences"])
        by_sentence = [c for c in expected["checks"] if c["severity"] != "info" and c.get("sentence") is not None]
        assert len(by_sentence) > 0
        assert len(browser.find_elements(By.CSS_SELECTOR, "#sentences .sentence-checks li")) == len(by_sentence)
        browser.execute_script("document.getElementById('results').scrollIntoView()")
        browser.save_screenshot(str(ARTIFACTS / f"page-{width}x{height}.png"))
    assert (ARTIFACTS / "page-1280x800.png").stat().st_size > 0 and (ARTIFACTS / "page-390x844.png").exists()


def test_axe_finds_no_serious_accessibility_violation(page_server, browser):
    import selenium_axe_python

    axe = (Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    browser.set_window_size(1280, 800)
    browser.get(page_server.url + "/")
    browser.execute_script("document.getElementById('text').value = arguments[0]", SEED.read_text(encoding="utf-8"))
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120).until(lambda d: d.find_element(By.ID, "status").text.startswith("Done"))
    browser.execute_script(axe)
    results = browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                           "axe.run(document).then((r) => done(JSON.stringify(r)));")
    violations = json.loads(results)["violations"]
    (ARTIFACTS / "axe.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
    serious = [(v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_docs_page_renders_every_operation_from_local_assets(page_server, browser):
    with urllib.request.urlopen(page_server.url + "/openapi.json", timeout=30) as response:
        schema = json.load(response)
    operations = sum(len(methods) for methods in schema["paths"].values())
    browser.set_window_size(1280, 800)
    browser.get(page_server.url + "/docs")
    WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) == operations)
    assert browser.find_element(By.CSS_SELECTOR, ".info .title").text.startswith("brief")
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(page_server.url + "/") for url in loaded), loaded  # nothing from outside


def test_on_a_server_with_api_keys_the_page_asks_for_one_and_sends_it(tiny_marian_dir, tmp_path, browser):
    keys = tmp_path / "keys"
    keys.write_text("k-page\n", encoding="utf-8")
    env = {**os.environ, "BRIEF_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    server = start_server(["--translator", str(tiny_marian_dir), *MODEL_FLAGS, "--api-key-file", str(keys)], env)
    try:
        browser.set_window_size(1280, 800)
        browser.get(server.url + "/")
        WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "key-row").get_attribute("data-checked"))
        assert browser.find_element(By.ID, "api-key").is_displayed()
        browser.execute_script("document.getElementById('text').value = arguments[0]", "Le ministre est arrivé.")
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "status").text.startswith(("Done", "Error")))
        assert browser.find_element(By.ID, "status").text == "Error: Invalid API key"
        browser.find_element(By.ID, "api-key").send_keys("k-page")
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "status").text.startswith("Done"))
    finally:
        assert stop_server(server)[0] == 0


def test_without_api_keys_the_page_asks_for_none(page_server, browser):
    browser.get(page_server.url + "/")
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "key-row").get_attribute("data-checked"))
    assert not browser.find_element(By.ID, "api-key").is_displayed()

"""The standard report, rendered from a demo warehouse and opened in a real headless Chromium.

Needs Debian's chromium and chromedriver (`make browser` installs them; `make test`
depends on it; without root it only says how to install them). Without them the browser
test is skipped with a message saying how to install them, except under CI=true, where a
missing browser fails; the report is still rendered and checked as HTML.

The demo warehouse is built once per session in a private DuckDB file (never the
developer's warehouse): seeds and models (no data tests) of the marts the report and the
export tests read, from the session's demo extracts (about 2 minutes on 2 cores).
`make test` has just built the demo warehouse, so it points the tests at it instead
(read-only): STUDENTFLOW_TEST_WAREHOUSE=<file.duckdb>, STUDENTFLOW_TEST_TARGET=<dbt
target dir with manifest.json, default target>.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT, run_dbt

from studentflow.report import build as report_build
from studentflow.report import charts
from studentflow.report import main as report_main

INSTITUTION = "liu"
WINDOW = 2013
SCREENSHOT_DIR = PROJECT / "output" / "test_report"

# marts the report reads (its sections), built with everything upstream
REPORT_MARTS = [
    "recruitment_by_county",
    "students_by_municipality",
    "transition_by_age_25",
    "institution_choice_by_municipality",
    "parents_education_by_programme",
    "foreign_background_by_programme",
    "credits_by_background",
    "alumni_cat1_yrkesexamen",
    "alumni_cat2_program",
    "alumni_cat3_huvudomrade",
    "alumni_cat4_forskarutbildning",
    "outcome_employment_by_institution",
    "outcome_matching_by_programme",
    "outcome_net_migration_by_county",
]

EXPECTED_HEADINGS = [title for _key, title, *_ in report_build.SECTIONS] + [
    "Om rapporten: definitioner och röjandekontroll"
]

_BUILT: dict[str, tuple[Path, Path]] = {}


def build_demo_warehouse(tmp_path_factory, raw_dir: Path) -> tuple[Path, Path]:
    """(warehouse file, dbt target dir) of the demo build; built once per session."""
    reuse = os.environ.get("STUDENTFLOW_TEST_WAREHOUSE")
    if reuse and "demo" not in _BUILT:
        db = Path(reuse) if Path(reuse).is_absolute() else PROJECT / reuse
        target = Path(os.environ.get("STUDENTFLOW_TEST_TARGET", str(PROJECT / "target")))
        target = target if target.is_absolute() else PROJECT / target
        assert db.exists(), f"STUDENTFLOW_TEST_WAREHOUSE={reuse} does not exist"
        _BUILT["demo"] = (db, target)
    if "demo" not in _BUILT:
        workdir = tmp_path_factory.mktemp("report_warehouse")
        # seeds and models in one dbt invocation (one parse); the data tests are
        # `dbt build`'s job in `make test`, not this fixture's
        selection = " ".join(f"+{m}" for m in REPORT_MARTS)
        built = run_dbt(
            [
                "build",
                "--select",
                selection,
                "--exclude",
                "resource_type:test resource_type:unit_test",
            ],
            workdir=workdir,
            raw_dir=raw_dir,
        )
        assert built.returncode == 0, built.output[-3000:]
        _BUILT["demo"] = (workdir / "warehouse.duckdb", built.target)
    return _BUILT["demo"]


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, demo_parquet):
    return build_demo_warehouse(tmp_path_factory, demo_parquet)


@pytest.fixture(scope="session")
def report_file(demo_warehouse, tmp_path_factory) -> Path:
    db, _target = demo_warehouse
    out = tmp_path_factory.mktemp("report")
    code = report_main(
        [
            "--institution", INSTITUTION, "--window", str(WINDOW),
            "--duckdb", str(db), "--out", str(out), "--project-dir", str(PROJECT),
        ]
    )  # fmt: skip
    assert code == 0
    path = out / f"rapport_{INSTITUTION}_{WINDOW}.html"
    assert path.exists()
    return path


# --- without a browser ----------------------------------------------------------------------------


def test_report_is_one_offline_file_with_every_section(report_file):
    page = report_file.read_text(encoding="utf-8")
    # no network: no external scripts, styles or fonts
    assert not re.search(r"<script[^>]+src=", page), "scripts must be inline"
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", page)
    for heading in EXPECTED_HEADINGS:
        assert f"<h2>{heading}</h2>" in page, heading
    # on the demo data every section renders
    failed = re.findall(r'data-status="(missing|empty|error)"', page)
    assert not failed, f"sections without charts on the demo data: {failed}"


def test_suppressed_bars_are_never_zero():
    df = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "n": [120.0, None, 0.0],
            "n_is_suppressed": [False, True, False],
            "n_suppression_reason": [None, "primär", None],
        }
    )
    fig = charts.bar_with_suppression(
        df, label="name", value="n", suppressed="n_is_suppressed", title="t", value_title="n",
        reason="n_suppression_reason",
    )  # fmt: skip
    shown, hidden = fig.data
    assert list(shown.y) == ["C", "A"] and list(shown.x) == [0.0, 120.0]  # a real zero is a zero
    assert list(hidden.y) == ["B"] and hidden.name == charts.SUPPRESSED_NAME
    assert hidden.x[0] > 0 and hidden.text[0].startswith("..")
    assert hidden.marker.pattern.shape == "/"


def test_missing_marts_are_reported_not_fatal(tmp_path):
    import duckdb

    db = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema published; create schema code_lists")
    con.execute(
        "create table code_lists.larosaten as select 'liu' as larosate_code, "
        "'Linköpings universitet' as larosate_name, '05' as lan_code"
    )
    con.close()
    path, sections = report_build.build_report(db, "liu", 2013, tmp_path, project_dir=PROJECT)
    assert {s.status for s in sections} == {"missing"}
    page = path.read_text(encoding="utf-8")
    assert page.count('data-status="missing"') == len(report_build.SECTIONS)
    assert "finns inte i schemat" in page
    with pytest.raises(ValueError, match="unknown institution"):
        report_build.build_report(db, "xyz", 2013, tmp_path, project_dir=PROJECT)
    with pytest.raises(ValueError, match="not the start of a window"):
        report_build.build_report(db, "liu", 2014, tmp_path, project_dir=PROJECT)


# --- in Chromium --------------------------------------------------------------------------------


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(browser).exists() and Path(driver).exists()):
        missing_browser(os.environ)
    return browser, driver


def missing_browser(environ) -> None:
    """Skip without a browser (a laptop without root), but fail under CI=true: CI
    installs it (`make browser`), so a missing browser there is a broken set-up."""
    message = (
        "Debian's chromium and chromium-driver are not installed: install them with "
        "`sudo apt-get install -y chromium chromium-driver` (or `sudo make browser`) "
        "to run the browser test"
    )
    if environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _chromium()
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (dev extra) missing")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def test_report_in_headless_chromium(browser, report_file):
    browser.get(report_file.as_uri())
    deadline = time.time() + 20
    while time.time() < deadline:
        ready = browser.execute_script(
            "return document.readyState === 'complete' && "
            "Array.from(document.querySelectorAll('.plotly-graph-div'))"
            ".every(g => g.querySelector('.main-svg'))"
        )
        if ready:
            break
        time.sleep(0.25)

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"JavaScript console errors: {errors}"

    headings = [h.text for h in browser.find_elements("css selector", "h2")]
    for heading in EXPECTED_HEADINGS:
        assert heading in headings, f"section '{heading}' not shown"

    graphs = browser.find_elements("css selector", ".plotly-graph-div")
    svgs = browser.find_elements("css selector", ".plotly-graph-div .main-svg")
    assert len(graphs) >= len(report_build.SECTIONS), "a chart per section at least"
    assert len(svgs) > 0
    # every chart drew bars with data, not an empty frame
    empty = browser.execute_script(
        "return Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".filter(g => g.querySelectorAll('.bars .point path').length === 0).map(g => g.id)"
    )
    assert not empty, f"charts without bars: {empty}"
    # suppressed cells are labelled '..' in the charts
    dots = browser.execute_script(
        "return Array.from(document.querySelectorAll('.plotly-graph-div text'))"
        ".filter(t => t.textContent.startsWith('..')).length"
    )
    assert dots > 0, "no suppressed cell is labelled '..' in the charts"

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(int(height), 16000))
    time.sleep(0.5)
    shot = SCREENSHOT_DIR / f"rapport_{INSTITUTION}_{WINDOW}.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000
    browser.set_window_size(1280, 1000)
    browser.execute_script("document.getElementById('rekrytering-lan').scrollIntoView()")
    time.sleep(0.3)
    browser.save_screenshot(str(SCREENSHOT_DIR / f"rapport_{INSTITUTION}_{WINDOW}_top.png"))
    print(f"screenshot: {shot}")


def test_missing_browser_skips_on_a_laptop_and_fails_under_ci():
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        missing_browser({})
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        missing_browser({"CI": "true"})

"""The tour notebook in a real JupyterLab, in headless Chromium, checked the way a person sees it.

The server starts in a temporary folder with its own configuration, runtime and IPython folders and
a copy of ``notebooks/tour.ipynb`` (so the repository's notebook is never saved over). After the
tour, the same kernel loads and runs a component (cat through jco's preview1 adapter, skipped
without npm) and its coverage panel and trace viewer are checked. Screenshots
go to ``artifacts/browser/`` at the top of the repository. Skipped without Debian's chromium or the
``playwright`` package (``pip install -e '.[browser]'``, never ``playwright install``).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[browser]'")
pytest.importorskip("jupyterlab", reason="pip install -e '.[browser]'")
expect = sync_api.expect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port over a folder holding a copy of the tour."""
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    shutil.copy(REPO / "notebooks" / "tour.ipynb", work / "tour.ipynb")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython"), "WASI_NOTEBOOK_C_CACHE": str(home / "c-cache")}
    subprocess.run([sys.executable, "-m", "jupyter", "labextension", "disable",
                    "@jupyterlab/apputils-extension:announcements"], env=env, check=True, capture_output=True)
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start:\n" + (home / "server.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield {"base": base, "token": token, "work": work}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def cell(page, source: str):
    """The notebook cell whose input starts with ``source``."""
    return page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor .cm-content", has_text=re.compile("^" + re.escape(source)))).first


def shot(page, name: str, target=None) -> None:
    (target or page).screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture(scope="module")
def ran(lab, page):
    """The tour, opened and run to the end with Run ▸ Run All Cells."""
    page.goto(f"{lab['base']}/lab/tree/tour.ipynb?token={lab['token']}")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    expect(notebook).to_be_visible(timeout=60_000)
    # The status shows "idle" before a kernel exists: also wait for the kernel's name.
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName").first).to_have_text(
        re.compile("Python"), timeout=60_000)
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']")
           ).to_have_count(1, timeout=60_000)
    started = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    code_cells = notebook.locator(".jp-CodeCell")
    total = code_cells.count()
    prompts = notebook.locator(".jp-CodeCell .jp-InputArea-prompt")
    deadline = time.monotonic() + 90
    while True:
        # textContent, not innerText: cells scrolled out of view are not laid out
        texts = prompts.evaluate_all("nodes => nodes.map(n => n.textContent)")
        done = [t for t in texts if re.fullmatch(r"\[\d+\]:", t.strip())]
        if len(done) == total:
            break
        if time.monotonic() > deadline:
            shot(page, "tour-timeout")
            raise AssertionError(f"the tour did not finish: prompts {texts}")
        time.sleep(0.25)
    errors = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                              has_text="Traceback")
    assert errors.count() == 0, errors.all_inner_texts()
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, "tour-after-run-all")
    return {"seconds": time.monotonic() - started, "cells": total}


def test_every_cell_ran_and_none_failed(ran, page):
    assert ran["cells"] >= 15
    assert page.locator(".jp-OutputArea-output", has_text="UsageError").count() == 0


def test_the_guests_output_and_the_result_view(ran, page):
    run = cell(page, "%wasi_run cat /home/ada/poem.txt")
    run.scroll_into_view_if_needed()
    view = run.locator(".wn-result")
    expect(view).to_be_visible()
    expect(view).to_contain_text("The sea is calm tonight.")
    expect(view).to_contain_text("exit 0")
    shot(page, "result-view", run)
    stdin_run = cell(page, "%%wasi_run wc")
    expect(stdin_run.locator(".wn-result")).to_contain_text(re.compile(r"2\s+5\s+24"))


def test_the_tree_opens_a_folder_and_previews_a_file(ran, page):
    fs_cell = cell(page, "%wasi_fs /home")
    fs_cell.scroll_into_view_if_needed()
    tree = fs_cell.locator(".wn-tree")
    expect(tree).to_be_visible()
    for folder in ("/home/ada", "/home/ada/drafts"):
        row = tree.locator(f"[role=treeitem][data-path='{folder}']")
        expect(row).to_be_visible()
        if row.get_attribute("aria-expanded") != "true":
            row.click()
        expect(row).to_have_attribute("aria-expanded", "true")
    todo = tree.locator("[role=treeitem][data-path='/home/ada/drafts/todo.txt']")
    expect(todo).to_be_visible()
    todo.click()
    expect(tree.locator(".wn-preview")).to_contain_text("water the plants")
    shot(page, "tree-preview", fs_cell)


def test_the_coverage_panel_counts_the_calls(ran, page):
    coverage_cell = cell(page, "%wasi_coverage")
    coverage_cell.scroll_into_view_if_needed()
    panel = coverage_cell.locator(".wn-coverage")
    expect(panel).to_contain_text("called 10 of 46, imported 12")
    path_open = panel.locator(".wn-cov-cell", has=page.locator(".wn-cov-name", has_text=re.compile("^path_open$")))
    expect(path_open.locator(".wn-cov-count")).to_have_text("4")
    shot(page, "coverage", coverage_cell)


def test_the_trace_filters_by_function(ran, page):
    trace_cell = page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor .cm-content", has_text=re.compile(r"^%wasi_trace$"))).first
    trace_cell.scroll_into_view_if_needed()
    trace = trace_cell.locator(".wn-trace")
    rows = trace.locator("tbody tr")
    expect(rows).to_have_count(32)
    trace.locator("select[aria-label='Function']").select_option("path_open")
    expect(rows).to_have_count(4)
    assert set(trace.locator("tbody .wn-tr-fn").all_inner_texts()) == {"path_open"}
    expect(rows.first.locator(".wn-tr-args")).to_contain_text('path="home"')  # arguments read as text
    shot(page, "trace-filtered", trace_cell)


SPIN = '(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))'


def add_cell(page, source: str):
    """A new code cell at the end, holding ``source``, run with Ctrl+Enter. Returns the cell."""
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.locator(".jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(source)  # typed keys would get closing brackets added
    page.keyboard.press("Control+Enter")
    return notebook.locator(".jp-Cell").last


def test_the_interrupt_button_stops_a_spinning_guest(ran, page):
    spinning = add_cell(page, f"%%wasi_run --wat -o spun\n{SPIN}")
    prompt = spinning.locator(".jp-InputArea-prompt")
    expect(prompt).to_have_text("[*]:")
    time.sleep(1)
    expect(prompt).to_have_text("[*]:")  # still spinning
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
    clicked = time.monotonic()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Interrupt Kernel$")).click()
    expect(prompt).to_have_text(re.compile(r"\[\d+\]:"), timeout=5_000)
    stopped = time.monotonic() - clicked
    expect(spinning.locator(".jp-OutputArea")).to_contain_text("cell.wat was interrupted")
    assert "KeyboardInterrupt" not in spinning.locator(".jp-OutputArea").inner_text()
    shot(page, "interrupted", spinning)
    check = add_cell(page, "print(spun.trap, wasi.fs.path('/home/ada/poem.txt').exists())")
    expect(check.locator(".jp-OutputArea")).to_contain_text("interrupted True")
    assert stopped < 2.5, stopped  # the menu's own click and the kernel message included


BLOCKING_READ = "wasi:io/streams#[method]input-stream.blocking-read"
OPEN_AT = "wasi:filesystem/types#[method]descriptor.open-at"


@pytest.fixture(scope="module")
def component_run(ran, lab, page):
    """cat made into a component (jco's preview1 adapter, made here and cached), loaded and run
    in a new cell of the running tour on a file and a missing one: the cell, with its Calls tab
    open. Skipped without npm."""
    if shutil.which("npm") is None:
        pytest.skip("making a component needs npm (jco's preview1 adapter): apt-get install nodejs npm")
    from wasi_notebook import guests

    from ..p2.toolchain import componentize

    (lab["work"] / "cat.component.wasm").write_bytes(componentize(guests.path("cat")))
    run = add_cell(page, "%wasi_load cat.component.wasm --as ccat\n"
                         "%wasi_run ccat /home/ada/poem.txt /home/ada/missing.txt")
    view = run.locator(".wn-result")
    expect(view).to_contain_text("The sea is calm tonight.", timeout=60_000)
    expect(view).to_contain_text("exit 1")
    view.locator(".lm-TabBar-tab", has_text=re.compile("^Calls")).click()
    expect(view.locator(".wn-coverage")).to_be_visible()
    return run


def test_a_components_coverage_is_by_interface_and_a_read_to_the_end_is_no_failure(component_run, page):
    panel = component_run.locator(".wn-coverage")
    expect(panel).to_contain_text(re.compile(r"preview2: called \d+ of \d+ functions in \d+ interfaces"))
    expect(panel.locator(".wn-cov-key.wn-st-errors")).to_have_text("called with errors 1")  # open-at only
    streams = panel.locator("section.wn-cov-group[aria-label='wasi:io/streams']")
    read = streams.locator(f".wn-cov-cell[data-name='{BLOCKING_READ}']")
    expect(read.locator(".wn-cov-name")).to_have_text("blocking-read")  # the short name, as rows show it
    expect(read).to_have_class(re.compile(r"\bwn-st-called\b"))
    expect(read.locator(".wn-cov-bang")).to_have_count(0)
    expect(read).to_have_attribute("title", re.compile(
        f"^{re.escape(BLOCKING_READ)}: called; 2 calls; answered ok×1, closed×1$"))
    files = panel.locator("section.wn-cov-group[aria-label='wasi:filesystem/types']")
    opened = files.locator(f".wn-cov-cell[data-name='{OPEN_AT}']")
    expect(opened.locator(".wn-cov-name")).to_have_text("open-at")
    expect(opened).to_have_class(re.compile(r"\bwn-st-errors\b"))
    expect(opened).to_have_attribute("title", re.compile("errors no-entry×1$"))
    read.click()  # selects it and filters the trace below to its calls
    expect(panel.locator(".wn-cov-details")).to_contain_text("answered ok×1, closed×1")
    expect(panel.locator(".wn-cov-details .wn-cov-errors")).to_have_count(0)
    trace = component_run.locator(".wn-trace")
    expect(trace.locator("select[aria-label='Function']")).to_have_value(BLOCKING_READ)
    expect(trace.locator("tbody tr")).to_have_count(2)
    shot(page, "component-coverage", component_run)


def test_a_components_trace_lists_short_names_by_interface_and_filters(component_run, page):
    trace = component_run.locator(".wn-trace")
    functions = trace.locator("select[aria-label='Function']")
    group = functions.locator("optgroup[label='wasi:filesystem/types']")
    option = group.locator(f"option[value='{OPEN_AT}']")
    expect(option).to_have_text("open-at")
    expect(option).to_have_attribute("title", OPEN_AT)
    expect(functions.locator("optgroup[label='wasi:cli/stdout'] option")).to_have_text("stdout.get-stdout")
    functions.select_option(label="open-at")
    rows = trace.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert set(trace.locator("tbody .wn-tr-fn").all_inner_texts()) == {"open-at"}
    expect(rows.nth(1)).to_have_class(re.compile(r"\bwn-tr-failed\b"))  # the missing file
    functions.select_option(BLOCKING_READ)
    closed = trace.locator("tbody tr", has=page.locator(".wn-tr-errno", has_text="closed"))
    expect(closed).to_have_count(1)
    expect(closed).not_to_have_class(re.compile(r"\bwn-tr-failed\b"))
    trace.locator("label.wn-tr-check input").check()  # failed only: the end of the file is none
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".wn-tr-empty")).to_have_text("No call matches these filters.")
    functions.select_option("")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".wn-tr-fn")).to_have_text("open-at")
    expect(rows.first.locator(".wn-tr-errno")).to_contain_text("no-entry")
    shot(page, "component-trace-failed", component_run)


def test_the_whole_run_is_quick(ran):
    assert ran["seconds"] < 60, ran

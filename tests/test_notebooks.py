"""The notebooks in notebooks/ run from top to bottom in a real kernel without an error."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def outputs(nb) -> str:
    """Everything the cells printed or showed as text, in order."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", ()):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("display_data", "execute_result"):
                parts.append(out.data.get("text/plain", ""))
                parts.append(out.data.get("text/html", ""))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"tour.ipynb", "wasi_from_scratch.ipynb", "debugging_io.ipynb",
                                           "components.ipynb"}


#: Notebooks that make components with jco's preview1 adapter: they need npm.
NEEDS_JCO = {"components"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors(path, tmp_path, monkeypatch, request):
    if path.stem in NEEDS_JCO:
        request.getfixturevalue("adapter_cache")  # skips without npm; the kernel inherits its settings
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("WASI_NOTEBOOK_C_CACHE", str(tmp_path / "c-cache"))
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    text = outputs(nb)
    assert "Traceback" not in text and "UsageError" not in text
    if path.stem == "tour":
        assert "The sea is calm tonight." in text and "/home/ada/drafts/todo.txt" in text
    if path.stem == "wasi_from_scratch":
        assert "Hello, WASI!" in text and 'path="greeting.txt"' in text
    if path.stem == "components":
        assert "1 preview1 call became 6 preview2 calls; same exit, output and files" in text
        assert 'blocking-write-and-flush(self=output-stream#2, contents="Hello, WASI!\\n" (13 bytes)) = ok' in text
        assert "open-flags={create, truncate}, flags={write}) = descriptor#5" in text
        assert "output-stream.drop(self=output-stream#6) = dropped" in text  # fd_close
        assert "3 preview1 calls became 9 preview2 calls and 2 drops" in text
        assert "no-entry (NOENT: no such file or directory)" in text
        assert "the module exited 7, the component exited 1" in text
    if path.stem == "debugging_io":
        assert "[injected]" in text and "done after 1 retry" in text and "timed out after 0.5 s" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_saved_clean(path):
    """No outputs or execution counts in the repository: they are made when a person runs them."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name

"""The demo: the bundled guests on the sample filesystem, deterministic from run to run."""

import io

from rich.console import Console

from wasi_notebook.demo import SCRIPT, demo, sample_fs


def run_demo() -> str:
    out = io.StringIO()
    assert demo(Console(file=out, width=100, color_system=None)) == 0
    return out.getvalue()


def test_every_step_ran_and_the_story_is_told():
    text = run_demo()
    for name, args, _ in SCRIPT:
        assert f"$ {name} {' '.join(args)}".rstrip() in text
    assert "WASI keeps a guest inside the folders it is given." in text  # cat
    assert "     13      29     146 total" in text  # wc
    assert "cat: /home/student/missing.txt: No such file or directory" in text
    assert "📄 copy.csv  58 B  [created]" in text and "✖ blob.bin  [deleted]" in text
    assert "📄 done.txt  34 B  [moved]" in text
    assert "preview1 coverage: called" in text and "path_open" in text
    assert "The trace of `cp`" in text and 'path="data/numbers.csv"' in text


def test_the_demo_repeats_exactly():
    assert run_demo() == run_demo()


def test_sample_fs():
    fs = sample_fs()
    assert fs.path("/data/numbers.csv").read_text().splitlines()[-1] == "10,100"

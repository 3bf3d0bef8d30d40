"""The wasi-notebook command, run as a user runs it."""

import subprocess
import sys

import pytest

from wasi_notebook.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "wasi_notebook.cli", *args], capture_output=True, text=True,
                          env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "TERM": "dumb"})


def test_demo_shows_tree_changes_and_confinement():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📄 notes.txt  89 B  [modified]" in out
    assert "✖ blob.bin  [deleted]" in out
    assert "Changes: 3 created, 1 modified, 1 deleted, 1 moved" in out
    assert "NOTCAPABLE" in out and "'..' would leave the directory" in out
    assert "What /home/student/notes.txt held before the run: 'WASI keeps" in out


def test_demo_is_deterministic():
    assert run("demo").stdout == run("demo").stdout


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: wasi-notebook" in capsys.readouterr().err


def test_unknown_command_exits_2():
    result = run("frobnicate")
    assert result.returncode == 2 and "invalid choice: 'frobnicate'" in result.stderr


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and "wasi-notebook 0.1.0" in capsys.readouterr().out

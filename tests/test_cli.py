"""The command line, as other tools drive it: pass-through output, exit codes, write-back, files."""

import json
import os
import subprocess
import sys

import pytest

from wasi_notebook import guests
from wasi_notebook.cli import main

from . import watguests


def cli(*args, stdin=b""):
    """Run the real command in a subprocess: its exact bytes and status."""
    return subprocess.run([sys.executable, "-m", "wasi_notebook.cli", *map(str, args)], input=stdin,
                          capture_output=True, env={**os.environ, "COLUMNS": "100"})


@pytest.fixture
def folder(tmp_path):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.txt").write_text("alpha\n")
    (work / "sub" / "b.txt").write_text("beta\n")
    return work


@pytest.fixture
def wat(tmp_path):
    def write(name, text):
        path = tmp_path / f"{name}.wat"
        path.write_text(text)
        return path
    return write


def test_output_passes_through_and_the_exit_code_is_the_guests(folder):
    result = cli("run", "--dir", f"{folder}::/w", guests.path("cat"), "/w/a.txt", "/w/missing")
    assert result.stdout == b"alpha\n"
    assert result.stderr == b"cat: /w/missing: No such file or directory\n"
    assert result.returncode == 1


def test_argv0_is_the_file_name_and_env_is_exactly_the_pairs(wat):
    args = cli("run", wat("show", watguests.PRINT_ARGS), "-x", "--not-ours")
    assert args.stdout == b"show.wat\0-x\0--not-ours\0" and args.returncode == 0
    env = cli("run", "--env", "A=1", "--env", "B=", wat("env", watguests.PRINT_ENV))
    assert env.stdout == b"A=1\0B=\0"


def test_write_back_of_creations_deletions_renames_and_links(folder):
    g = guests.path
    assert cli("run", "--dir", folder, g("cp"), f"{folder}/a.txt", f"{folder}/c.txt").returncode == 0
    assert (folder / "c.txt").read_text() == "alpha\n"
    assert cli("run", "--dir", f"{folder}::/w", g("mv"), "/w/sub/b.txt", "/w/moved.txt").returncode == 0
    assert (folder / "moved.txt").read_text() == "beta\n" and not (folder / "sub" / "b.txt").exists()
    assert cli("run", "--dir", f"{folder}::.", g("ln"), "-s", "a.txt", "link").returncode == 0
    assert os.readlink(folder / "link") == "a.txt"
    assert cli("run", "--dir", f"{folder}::.", g("rm"), "-r", "sub").returncode == 0
    assert sorted(os.listdir(folder)) == ["a.txt", "c.txt", "link", "moved.txt"]


def test_no_write_back_leaves_the_host_folder_alone(folder):
    result = cli("run", "--no-write-back", "--dir", f"{folder}::.", guests.path("rm"), "a.txt")
    assert result.returncode == 0 and (folder / "a.txt").exists()


def test_mem_dir(tmp_path):
    result = cli("run", "--mem-dir", "/scratch", guests.path("mkdir"), "-p", "/scratch/x/y")
    assert result.returncode == 0, result.stderr


def test_stdin_from_a_file_and_from_ours(tmp_path):
    (tmp_path / "in.txt").write_bytes(b"from a file\n")
    echo = guests.path("echo_stdin")
    assert cli("run", "--stdin", tmp_path / "in.txt", echo).stdout == b"from a file\n"
    assert cli("run", echo, stdin=b"piped\n").stdout == b"piped\n"


def test_trace_coverage_and_summary_files(folder, tmp_path):
    trace, coverage = tmp_path / "t.jsonl", tmp_path / "c.json"
    result = cli("run", "--dir", f"{folder}::.", "--trace", trace, "--coverage", coverage, "--summary",
                 guests.path("cat"), "a.txt")
    assert result.stdout == b"alpha\n"
    calls = [json.loads(line) for line in trace.read_text().splitlines()]
    assert calls[0]["seq"] == 1 and {"function", "args", "errno", "duration_ns"} <= set(calls[0])
    opened = [c for c in calls if c["function"] == "path_open"]
    assert opened[0]["args"]["path"] == '"a.txt"' and opened[0]["result"] == "fd 4"
    cov = json.loads(coverage.read_text())
    assert cov["preview1"]["fd_read"]["calls"] == 2 and cov["preview1"]["fd_read"]["errors"] == {}
    assert cov["preview1"]["sock_send"] == {"calls": 0, "errors": {}, "imported": False}
    assert "path_open" in cov["imports"] and len(cov["preview1"]) == 46
    assert b"preview1 coverage: called" in result.stderr


def test_a_components_trace_coverage_summary_and_faults(folder, tmp_path):
    from .p2.toolchain import componentize

    component = tmp_path / "cat.component.wasm"
    component.write_bytes(componentize(guests.path("cat")))
    (folder / "app.cfg").write_text("k=v\n")
    trace, coverage = tmp_path / "t.jsonl", tmp_path / "c.json"
    result = cli("run", "--dir", f"{folder}::.", "--trace", trace, "--coverage", coverage, "--summary",
                 "--fault", "open-at[*.cfg]=ACCES", component, "a.txt", "app.cfg", "missing")
    assert result.stdout == b"alpha\n" and result.returncode == 1
    assert result.stderr.startswith(b"cat: app.cfg: Permission denied\ncat: missing: No such file or directory\n")
    calls = [json.loads(line) for line in trace.read_text().splitlines()]
    opened = [c for c in calls if c["function"] == "[method]descriptor.open-at"]
    assert [c["error"] for c in opened] == [None, "access", "no-entry"]
    assert opened[0]["interface"] == "wasi:filesystem/types" and opened[0]["args"]["path"] == '"a.txt"'
    assert opened[0]["result"].startswith("descriptor#") and opened[1]["injected"] and not opened[2]["injected"]
    assert {"seq", "interface", "function", "args", "result", "error", "duration_ns", "injected"} <= set(calls[0])
    cov = json.loads(coverage.read_text())
    assert cov["preview2"]["wasi:filesystem/types"]["[method]descriptor.open-at"] == {
        "calls": 3, "errors": {"access": 1, "no-entry": 1}}
    assert any(i.startswith("wasi:filesystem/types@0.2.") for i in cov["imports"])
    assert b"preview2 coverage: called" in result.stderr and b"wasi:filesystem/types" in result.stderr
    # the summary names functions as the trace does; reading a.txt to its end is no error
    summary = {cells[1].strip(): [c.strip() for c in cells[2:]] for line in result.stderr.decode().splitlines()
               if len(cells := line.split("│")) == 5}
    assert summary["open-at"] == ["3", "access×1, no-entry×1", ""]
    assert summary["blocking-read"] == ["2", "", "closed×1"]
    assert cov["preview2"]["wasi:io/streams"]["[method]input-stream.blocking-read"]["ends"] == {"closed": 1}
    refused = cli("run", "--fault", "get-directories=IO", component)
    assert refused.returncode == 2 and b"cannot fail" in refused.stderr


def test_adapt_writes_a_component_and_run_adapt_runs_one(folder, tmp_path, adapter_cache):
    out = tmp_path / "cat.component.wasm"
    made = cli("adapt", guests.path("cat"), "-o", out)
    assert made.returncode == 0 and made.stdout == b""
    assert made.stderr.startswith(b"wasi-notebook: wrote ") and b"a preview2 command component" in made.stderr
    assert out.read_bytes()[:8] == b"\0asm\x0d\x00\x01\x00"
    direct = cli("run", "--dir", f"{folder}::.", out, "a.txt")
    adapted = cli("run", "--adapt", "--dir", f"{folder}::.", "--summary", guests.path("cat"), "a.txt")
    assert direct.stdout == adapted.stdout == b"alpha\n" and adapted.returncode == 0
    assert b"preview2 coverage" in adapted.stderr and b"wasi:filesystem/types" in adapted.stderr
    again = cli("adapt", out, "-o", tmp_path / "twice.wasm")
    assert again.returncode == 2 and again.stderr.count(b"\n") == 1 and b"already a preview2 component" in again.stderr


def test_deterministic_and_seed():
    clock = guests.path("clock_random")
    a, b = cli("run", "--deterministic", clock), cli("run", "--deterministic", clock)
    c = cli("run", "--deterministic", "--seed", "5", clock)
    assert a.stdout == b.stdout != c.stdout


def test_traps_exit_134_with_message_and_backtrace(wat):
    result = cli("run", wat("trap", watguests.TRAP))
    assert result.returncode == 134
    assert b"trap.wat trapped: wasm `unreachable` instruction executed" in result.stderr
    assert b"wasm backtrace:" in result.stderr and b"inner" in result.stderr


def test_fuel_timeout_and_memory_limits(wat):
    spin = wat("spin", watguests.SPIN)
    assert b"ran out of fuel" in cli("run", "--fuel", 10000, spin).stderr
    timed = cli("run", "--timeout", "0.2", spin)
    assert timed.returncode == 134 and b"timed out" in timed.stderr
    assert cli("run", "--max-memory", 1 << 20, wat("grow", watguests.GROW)).returncode == 134


def test_native_backend_agrees(folder):
    ours = cli("run", "--dir", f"{folder}::.", guests.path("wc"), "a.txt")
    theirs = cli("run", "--backend", "native", "--dir", f"{folder}::.", guests.path("wc"), "a.txt")
    assert ours.stdout == theirs.stdout == b"      1       1       6 a.txt\n"


def test_faults(folder):
    result = cli("run", "--dir", f"{folder}::.", "--fault", "path_open[a.*]=ACCES", guests.path("cat"), "a.txt")
    assert result.returncode == 1 and b"Permission denied" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["run", "missing.wasm"], "no such file"),
    (["run", __file__], "is not a WebAssembly module"),
    (["run", "--env", "NOEQUALS", str(guests.path("cat"))], "write NAME=VALUE"),
    (["run", "--dir", "/definitely/not/here", str(guests.path("cat"))], "is not a folder"),
    (["run", "--fault", "garbage", str(guests.path("cat"))], "bad fault"),
    (["run", "--mem-dir", "/a", "--mem-dir", "/a/b", str(guests.path("cat"))], "overlap"),
    (["run", "--stdin", "/definitely/not/here", str(guests.path("cat"))], "--stdin"),
])
def test_our_errors_exit_2_with_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("wasi-notebook: ") and message in err and err.count("\n") == 1


def test_foreign_imports_are_named(wat, capsys):
    assert main(["run", str(wat("foreign", watguests.FOREIGN_IMPORT))]) == 2
    assert "env.magic" in capsys.readouterr().err


def test_usage(capsys):
    assert main([]) == 2
    assert "usage: wasi-notebook" in capsys.readouterr().err
    bad = cli("frobnicate")
    assert bad.returncode == 2 and b"invalid choice" in bad.stderr
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and "wasi-notebook 0.1.0" in capsys.readouterr().out


def test_demo_runs():
    result = cli("demo")
    assert result.returncode == 0 and b"preview1 coverage" in result.stdout

"""The magics through a real IPython shell, running the bundled guests and guests made in cells."""

import builtins
import os
import re
import signal
import threading
import time

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from wasi_notebook import Guest, RunResult, Session
from wasi_notebook.magics import WasiMagics, current_session

from . import watguests


@pytest.fixture(scope="module")
def shell():
    """A real IPython shell (no kernel), dropped afterwards so that later tests see none."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    ip = InteractiveShell.instance(config=config)
    ip.run_line_magic("load_ext", "wasi_notebook")
    yield ip
    ip.run_line_magic("unload_ext", "wasi_notebook")
    InteractiveShell.clear_instance()


@pytest.fixture
def ip(shell):
    """The shell with a fresh notebook session, its magics drawing with rich (no frontend)."""
    shell.run_line_magic("wasi_reset", "")
    magics(shell).use_widgets = False
    return shell


def magics(ip) -> WasiMagics:
    return ip.magics_manager.registry["WasiMagics"]


def fs(ip):
    return ip.user_ns["wasi"].fs


def cell(ip, text: str, capsys) -> tuple[str, str]:
    """Run a cell as a person would (errors are shown, not raised): what it printed."""
    capsys.readouterr()
    ip.run_cell(text)
    captured = capsys.readouterr()
    return captured.out, captured.err


class TestLoad:
    def test_the_extension_gives_one_session_in_the_variable_wasi(self, ip):
        assert isinstance(ip.user_ns["wasi"], Session) and current_session() is ip.user_ns["wasi"]
        for name in ("wasi_load", "wasi_run", "wasi_fs", "wasi_coverage", "wasi_trace", "wasi_reset"):
            assert ip.find_magic(name) is not None
        assert ip.find_cell_magic("wasi_run") is not None and ip.find_cell_magic("wasi_file") is not None

    def test_a_bundled_guest_is_bound_and_described(self, ip, capsys):
        out, err = cell(ip, "%wasi_load --guest cat", capsys)
        guest = ip.user_ns["cat"]
        assert isinstance(guest, Guest) and guest.name == "cat.wasm" and err == ""
        assert "cat.wasm: preview1 module" in out and "11 of the 46 preview1 functions" in out
        assert "path_open" in out and "_start (func)" in out and "in the variable cat" in out

    def test_a_file_is_bound_to_its_stem_made_a_name_or_to_as(self, ip, tmp_path, capsys):
        path = tmp_path / "hello-world.v2.wat"
        path.write_text(watguests.EXIT_7)
        cell(ip, f"%wasi_load {path}", capsys)
        assert ip.user_ns["hello_world_v2"].name == "hello-world.v2.wat"
        cell(ip, f"%wasi_load '{path}' --as seven", capsys)
        assert ip.user_ns["seven"].wasm == ip.user_ns["hello_world_v2"].wasm
        assert magics(ip).session.run(ip.user_ns["seven"]).exit_code == 7

    @pytest.mark.parametrize("line, message", [
        ("", "give a PATH or --guest NAME"),
        ("x.wasm --guest cat", "give a PATH or --guest NAME"),
        ("--guest nope", "no bundled guest 'nope'; there are: cat, clock_random"),
        ("missing.wasm", "no such file: 'missing.wasm'"),
        ("--guest cat --as 'not a name'", "--as 'not a name': give a valid Python variable name"),
        ("--guest cat --as class", "give a valid Python variable name"),
        ("--bogus", "unrecognized arguments: --bogus"),
    ])
    def test_bad_input_is_a_usage_error(self, ip, line, message):
        with pytest.raises(UsageError, match=message.replace("(", r"\(")):
            ip.run_line_magic("wasi_load", line)

    def test_not_wasm(self, ip, tmp_path):
        (tmp_path / "notes.wasm").write_text("hello")
        with pytest.raises(UsageError, match="is not a WebAssembly module"):
            ip.run_line_magic("wasi_load", str(tmp_path / "notes.wasm"))


class TestRun:
    def test_the_cell_body_is_stdin_and_output_streams_to_the_cell(self, ip, capsys):
        out, err = cell(ip, "%%wasi_run -o r cat\nhello from the cell\n", capsys)
        result = ip.user_ns["r"]
        assert isinstance(result, RunResult) and result.exit_code == 0
        assert result.stdout == b"hello from the cell\n"
        assert out.startswith("hello from the cell\n")
        assert "exit 0" in out and "cat.wasm" in out  # the result view (rich, without a frontend)
        assert magics(ip).last is result

    def test_a_loaded_guest_runs_by_its_variable_with_arguments(self, ip, capsys):
        fs(ip).path("/my notes.txt").write_text("one two\nthree\n")
        cell(ip, "%wasi_load --guest wc --as counter", capsys)
        out, _ = cell(ip, "%wasi_run -o r counter 'my notes.txt'", capsys)
        assert ip.user_ns["r"].stdout == b"      2       3      14 my notes.txt\n"
        assert ip.user_ns["r"].args == ["wc.wasm", "my notes.txt"]

    def test_a_path_to_a_file_runs_too(self, ip, tmp_path, capsys):
        path = tmp_path / "args.wat"
        path.write_text(watguests.PRINT_ARGS)
        cell(ip, f"%wasi_run -o r {path} -x --y", capsys)
        assert ip.user_ns["r"].stdout == b"args.wat\0-x\0--y\0"

    def test_the_memfs_lives_from_cell_to_cell(self, ip, capsys):
        cell(ip, "%%wasi_file /docs/a.txt\nalpha\n", capsys)
        cell(ip, "%wasi_run cp docs/a.txt docs/b.txt", capsys)
        cell(ip, "%wasi_run mkdir -p docs/sub", capsys)
        cell(ip, "%wasi_run -o r cat docs/b.txt", capsys)
        assert ip.user_ns["r"].stdout == b"alpha\n"
        assert sorted(p.name for p in fs(ip).path("/docs").iterdir()) == ["a.txt", "b.txt", "sub"]

    def test_file_magic_appends(self, ip, capsys):
        cell(ip, "%%wasi_file /log.txt\none\n", capsys)
        cell(ip, "%%wasi_file --append /log.txt\ntwo\n", capsys)
        assert fs(ip).path("/log.txt").read_text() == "one\ntwo\n"

    def test_dir_preopens_confine_the_guest(self, ip, capsys):
        fs(ip).path("/box").mkdir()
        fs(ip).path("/box/in.txt").write_text("boxed")
        fs(ip).path("/secret.txt").write_text("no")
        cell(ip, "%wasi_run -o r --dir .=/box cat in.txt ../secret.txt", capsys)
        result = ip.user_ns["r"]
        assert result.stdout == b"boxed" and result.exit_code == 1 and b"secret.txt" in result.stderr

    def test_environment_is_exactly_the_env_options(self, ip, capsys):
        cell(ip, f"%%wasi_run -o r --wat --env A=1 --env 'B=two words'\n{watguests.PRINT_ENV}", capsys)
        assert ip.user_ns["r"].stdout == b"A=1\0B=two words\0"

    def test_limits_stop_the_guest(self, ip, capsys):
        out, err = cell(ip, f"%%wasi_run -o r --wat --fuel 100000\n{watguests.SPIN}", capsys)
        assert ip.user_ns["r"].trap == "ran out of fuel" and "cell.wat trapped: ran out of fuel" in err
        cell(ip, f"%%wasi_run -o r --wat --timeout 0.2\n{watguests.SPIN}", capsys)
        assert ip.user_ns["r"].trap == "timed out after 0.2 s"
        cell(ip, f"%%wasi_run -o r --wat --max-memory 1M\n{watguests.GROW}", capsys)
        assert "unreachable" in ip.user_ns["r"].trap
        cell(ip, f"%%wasi_run -o r --wat --max-memory 16MiB\n{watguests.GROW}", capsys)
        assert ip.user_ns["r"].exit_code == 0

    def test_deterministic_runs_repeat_and_the_seed_changes_them(self, ip, capsys):
        runs = []
        for options in ("--deterministic", "--deterministic", "--deterministic --seed 7"):
            cell(ip, f"%wasi_run -o r {options} clock_random", capsys)
            runs.append(ip.user_ns["r"].stdout)
        assert runs[0] == runs[1] and runs[0] != runs[2]

    def test_quiet_shows_only_the_output_and_no_trace_only_counts(self, ip, capsys):
        out, err = cell(ip, "%%wasi_run -o r --quiet --no-trace cat\nquiet\n", capsys)
        assert out == "quiet\n" and err == ""
        assert len(ip.user_ns["r"].trace) == 0 and ip.user_ns["r"].coverage.calls("fd_read") >= 1
        out, err = cell(ip, "%wasi_run -q cat missing.txt", capsys)
        assert out == "" and "cat: missing.txt: No such file or directory" in err
        assert err.endswith("cat.wasm exited with 1\n")

    def test_wat_cell_with_arguments(self, ip, capsys):
        out, _ = cell(ip, f"%%wasi_run -o r --wat one 'two words'\n{watguests.PRINT_ARGS}", capsys)
        assert ip.user_ns["r"].stdout == b"cell.wat\0one\0two words\0"
        cell(ip, f"%%wasi_run -o r --wat -- -n\n{watguests.PRINT_ARGS}", capsys)
        assert ip.user_ns["r"].stdout == b"cell.wat\0-n\0"

    def test_c_cell_is_built_with_zig_cached_and_run(self, ip, capsys, tmp_path, monkeypatch):
        monkeypatch.setenv("WASI_NOTEBOOK_C_CACHE", str(tmp_path / "cache"))
        source = ('#include <stdio.h>\nint main(int argc, char **argv) {\n'
                  '  FILE *f = fopen("made.txt", "w"); fputs("by C\\n", f); fclose(f);\n'
                  '  printf("%d args, last %s\\n", argc, argv[argc - 1]); return 3; }\n')
        out, err = cell(ip, f"%%wasi_run -o r --c x y\n{source}", capsys)
        result = ip.user_ns["r"]
        assert (result.exit_code, result.stdout) == (3, b"3 args, last y\n"), err
        assert fs(ip).path("/made.txt").read_text() == "by C\n"
        assert len(list((tmp_path / "cache").glob("*.wasm"))) == 1
        import subprocess

        monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("built again"))
        cell(ip, f"%%wasi_run -o r --c z\n{source}", capsys)
        assert ip.user_ns["r"].stdout == b"2 args, last z\n"

    def test_a_guest_built_in_a_cell_can_be_named_and_run_again(self, ip, capsys):
        cell(ip, f"%%wasi_run --wat --as show_args -o r a\n{watguests.PRINT_ARGS}", capsys)
        assert ip.user_ns["r"].stdout == b"show_args\0a\0"
        cell(ip, "%wasi_run -o r show_args b c", capsys)
        assert ip.user_ns["r"].stdout == b"show_args\0b\0c\0"

    def test_stdin_from_a_memfs_file(self, ip, capsys):
        fs(ip).path("/words.txt").write_text("three little words\n")
        cell(ip, "%wasi_run -o r --stdin /words.txt wc", capsys)
        assert ip.user_ns["r"].stdout == b"      1       3      19\n"

    def test_c_that_does_not_compile_shows_the_compilers_words(self, ip, capsys, tmp_path, monkeypatch):
        monkeypatch.setenv("WASI_NOTEBOOK_C_CACHE", str(tmp_path / "cache"))
        out, err = cell(ip, "%%wasi_run --c\nint main(void) { return nope; }\n", capsys)
        assert "cell.c:1:" in err and "nope" in err
        assert "UsageError: the C source does not compile (1 error) (the compiler's messages are above)" in err
        assert "Traceback" not in err

    def test_c_without_zig_says_what_to_install(self, ip, monkeypatch):
        import importlib.util

        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ziglang" else real(name, *a))
        with pytest.raises(UsageError, match=r"building C needs zig: pip install 'wasi-notebook\[c\]'"):
            ip.run_cell_magic("wasi_run", "--c", "int main(void) { return 0; }\n")

    def test_faults_make_calls_fail_and_show_in_the_trace(self, ip, capsys):
        fs(ip).path("/notes.txt").write_text("hello\n")
        out, err = cell(ip, "%wasi_run -o r --fault 'path_open[*.txt]=ACCES' cat notes.txt", capsys)
        result = ip.user_ns["r"]
        assert result.exit_code == 1 and b"Permission denied" in result.stderr
        [call] = result.trace.filter("path_open", errno="ACCES")
        assert call.injected
        cell(ip, "%%wasi_run -o r --fault 'fd_write[fd=1]=NOSPC' cat\ntext\n", capsys)
        assert ip.user_ns["r"].exit_code == 1 and b"No space left on device" in ip.user_ns["r"].stderr

    def test_a_trap_is_one_line_and_the_result_view_has_the_backtrace(self, ip, capsys):
        out, err = cell(ip, f"%%wasi_run --wat -o r\n{watguests.TRAP}", capsys)
        assert err.count("\n") == 1 and err.startswith("cell.wat trapped: wasm `unreachable` instruction")
        assert "Traceback" not in err + out and "trapped:" in out
        assert ip.user_ns["r"].backtrace.count("\n") >= 2


class TestBadInput:
    @pytest.mark.parametrize("text, message", [
        ("%wasi_run", "name the guest to run"),
        ("%wasi_run nope", "no guest 'nope': load one with %wasi_load PATH"),
        ("%wasi_run --env NOVALUE cat", "--env 'NOVALUE': write NAME=VALUE"),
        ("%wasi_run --env =x cat", "--env '=x': write NAME=VALUE"),
        ("%wasi_run --dir /box cat", "--dir '/box': write GUEST=MEMFS_PATH"),
        ("%wasi_run --dir /=/nowhere cat", "NOENT"),
        ("%wasi_run --fault 'path_open=OOPS' cat", "--fault 'path_open=OOPS': unknown WASI errno 'OOPS'"),
        ("%wasi_run --fault 'path_open[x' cat", "bad fault 'path_open[x'"),
        ("%wasi_run --fault 'nothing=ACCES' cat", "'nothing' is not a WASI function"),
        ("%wasi_run --fuel many cat", "argument --fuel: invalid int value: 'many'"),
        ("%wasi_run --max-memory lots cat", "'lots' is not a size: write bytes, e.g. 65536, 64M or 1G"),
        ("%wasi_run -o 2x cat", "-o '2x': give a valid Python variable name"),
        ("%wasi_run --wat --c", "choose --wat or --c, not both"),
        ("%wasi_run --as x cat", "--as names a guest built from the cell: use it with --wat or --c"),
        ("%%wasi_run --stdin /kept.txt cat\nbody", "--stdin gives the guest's stdin: leave the cell body empty"),
        ("%wasi_run --stdin /nothing.txt cat", "--stdin /nothing.txt: NOENT"),
        ("%wasi_run --wat", "--wat takes its source from the cell body"),
        ("%%wasi_run --wat\n(module (func (i32.foo)))", "the WAT does not assemble: unknown operator"),
        ("%%wasi_run --wat\n" + watguests.FOREIGN_IMPORT, "imports env.magic (func), which wasi-notebook does not"),
        ("%%wasi_run --wat\n" + watguests.NO_START, "has no _start function"),
        ("%wasi_run cat 'unbalanced", "cannot split the arguments: No closing quotation"),
        ("%wasi_run --env 'A\0=1' cat", "NUL"),
        ("%wasi_fs /missing", "%wasi_fs /missing: no such folder in the MemFs"),
        ("%wasi_fs /kept.txt", "'/kept.txt' is not a folder of the MemFs"),
        ("%wasi_trace --errno NOPE", "no guest has run yet"),
        ("%wasi_coverage not_a_result", "'not_a_result' is not a run result"),
        ("%%wasi_file /kept.txt/inside\nx", "%%wasi_file /kept.txt/inside"),
        ("%wasi_run --adapt --side-by-side cat", "choose --adapt (run the component) or --side-by-side"),
        ("%wasi_run --side-by-side --fault 'path_open=ACCES' cat", "it does not take --fault"),
        ("%wasi_run --side-by-side -i cat", "it does not take --interactive"),
    ])
    def test_a_one_line_usage_error_and_the_memfs_is_intact(self, ip, capsys, text, message):
        fs(ip).path("/kept.txt").write_text("still here")
        session = magics(ip).session
        out, err = cell(ip, text, capsys)
        assert err.startswith("UsageError: ") and message in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert magics(ip).session is session and fs(ip).path("/kept.txt").read_text() == "still here"
        assert sorted(p.name for p in fs(ip).root.iterdir()) == ["kept.txt"]

    def test_trace_filters_are_checked(self, ip, capsys):
        cell(ip, "%wasi_run cat missing", capsys)
        for text, message in [("%wasi_trace --errno NOPE", "--errno: unknown WASI errno 'NOPE'"),
                              ("%wasi_trace --function fd_nothing", "--function 'fd_nothing' is not a preview1")]:
            out, err = cell(ip, text, capsys)
            assert err.startswith("UsageError: ") and message in err


class TestAdapted:
    """--adapt and --side-by-side: the component jco's preview1 adapter makes of a module (npm)."""

    @pytest.fixture(autouse=True)
    def _jco(self, adapter_cache):
        pass

    def test_load_adapt_binds_the_component(self, ip, capsys):
        out, err = cell(ip, "%wasi_load --guest cat --adapt --as cat2", capsys)
        guest = ip.user_ns["cat2"]
        assert guest.kind == "component" and guest.name == "cat.wasm" and err == ""
        assert "preview2 component" in out and "wasi:filesystem/types@0.2" in out

    def test_run_adapt_runs_the_component_traced_by_interface(self, ip, capsys):
        out, err = cell(ip, "%%wasi_run --adapt -o r cat\nthrough the adapter\n", capsys)
        result = ip.user_ns["r"]
        assert result.guest.kind == "component" and result.stdout == b"through the adapter\n"
        functions = [c.function for c in result.trace]
        assert "[method]input-stream.blocking-read" in functions and "fd_read" not in functions

    def test_side_by_side_shows_both_and_keeps_the_component_run(self, ip, capsys):
        fs(ip).path("/notes.txt").write_text("side\n")
        out, err = cell(ip, "%wasi_run --side-by-side --deterministic -o both cat notes.txt", capsys)
        both = ip.user_ns["both"]
        assert both.agree and err == ""
        assert magics(ip).last is both.component
        assert "preview1 calls became" in out and "path_open(" in out and "open-at(" in out
        out, _ = cell(ip, "%wasi_trace --text -f open-at", capsys)
        assert "open-at(" in out and "path_open" not in out

    def test_a_component_cannot_be_adapted_again(self, ip, capsys):
        cell(ip, "%wasi_load --guest cat --adapt --as cat2", capsys)
        out, err = cell(ip, "%wasi_run --adapt cat2", capsys)
        assert err.startswith("UsageError: ") and "already a preview2 component" in err


def calls(listing: str) -> list[str]:
    """The functions named in a numbered trace listing."""
    return re.findall(r"^\s*\d+\s+(\w+)\(", listing, re.MULTILINE)


class TestViews:
    def test_fs_marks_what_the_last_run_changed(self, ip, capsys):
        fs(ip).path("/a.txt").write_text("alpha")
        cell(ip, "%wasi_run cp a.txt b.txt", capsys)
        out, _ = cell(ip, "%wasi_fs", capsys)
        assert "📄 b.txt  5 B  [created]" in out and "📄 a.txt  5 B\n" in out
        out, _ = cell(ip, "%wasi_fs --plain", capsys)
        assert "[created]" not in out
        fs(ip).path("/sub/deeper").mkdir(parents=True)
        out, _ = cell(ip, "%wasi_fs /sub", capsys)
        assert out.splitlines()[:2] == ["📁 /sub", "└── 📁 deeper"]

    def test_coverage_of_the_last_run_or_of_a_kept_result(self, ip, capsys):
        cell(ip, "%wasi_run -o first cat missing", capsys)
        cell(ip, "%%wasi_run echo_stdin\nx\n", capsys)
        out, _ = cell(ip, "%wasi_coverage", capsys)
        assert "called 2 of 46, imported 5" in out and "path_open" not in out
        out, _ = cell(ip, "%wasi_coverage first", capsys)
        assert "path_open" in out and "NOENT×1" in out

    def test_trace_filters(self, ip, capsys):
        fs(ip).path("/here.txt").write_text("x")
        cell(ip, "%wasi_run cat here.txt missing.txt", capsys)
        out, _ = cell(ip, "%wasi_trace --function path_open", capsys)
        assert calls(out) == ["path_open"] * 2
        out, _ = cell(ip, "%wasi_trace --errno NOENT", capsys)
        assert 'path="missing.txt"' in out and "here.txt" not in out
        out, _ = cell(ip, "%wasi_trace --path 'here*'", capsys)
        assert 'path="here.txt"' in out and "missing" not in out
        out, _ = cell(ip, "%wasi_trace --failed -f path_open,fd_read", capsys)
        assert "NOENT" in out and "here.txt" not in out
        out, _ = cell(ip, "%wasi_trace --text -n 3", capsys)
        assert len(calls(out)) == 3 and out.strip().splitlines()[-1] == "... 12 more calls"
        out, _ = cell(ip, "%wasi_trace --errno NOTDIR", capsys)
        assert out == "no calls match\n"

    def test_a_component_runs_and_shows_its_coverage_and_trace_by_interface(self, ip, capsys, tmp_path):
        from wasi_notebook import guests

        from .p2.toolchain import componentize

        (tmp_path / "cat.component.wasm").write_bytes(componentize(guests.path("cat")))
        cell(ip, f"%wasi_load {tmp_path / 'cat.component.wasm'} --as ccat", capsys)
        fs(ip).path("/here.txt").write_text("x")
        out, err = cell(ip, "%wasi_run -o r --fault 'open-at[here*]=ACCES' ccat here.txt missing.txt", capsys)
        result = ip.user_ns["r"]
        assert result.stderr == b"cat: here.txt: Permission denied\ncat: missing.txt: No such file or directory\n"
        out, _ = cell(ip, "%wasi_coverage", capsys)
        assert "wasi:filesystem/types" in out and "open-at" in out and "access×1, no-entry×1" in out
        out, _ = cell(ip, "%wasi_trace --errno no-entry", capsys)
        assert 'open-at(self=descriptor#' in out and 'path="missing.txt"' in out and "here.txt" not in out
        out, _ = cell(ip, "%wasi_trace -f open-at --failed", capsys)
        assert "[injected]" in out and out.count("open-at(") == 2
        out, err = cell(ip, "%wasi_run --fault 'get-directories=IO' ccat here.txt", capsys)
        assert "cannot fail" in err

    def test_help_comes_from_the_docstrings(self, ip):
        for name in ("wasi_load", "wasi_run", "wasi_fs", "wasi_coverage", "wasi_trace", "wasi_reset", "wasi_file"):
            doc = ip.find_magic(name).__doc__ if ip.find_magic(name) else ip.find_cell_magic(name).__doc__
            assert doc.lstrip().startswith(f"::\n\n  %{name}"), name
        assert "--interactive" in ip.find_magic("wasi_run").__doc__
        assert "The cell body is the guest's standard input" in ip.find_magic("wasi_run").__doc__


class TestSession:
    def test_reset_starts_afresh_or_keeps_the_files(self, ip, capsys):
        cell(ip, "%wasi_load --guest cat", capsys)
        first = ip.user_ns["wasi"]
        first.fs.path("/f.txt").write_text("kept")
        cell(ip, "%wasi_reset --keep-fs", capsys)
        assert ip.user_ns["wasi"] is not first and fs(ip).path("/f.txt").read_text() == "kept"
        cell(ip, "%wasi_run -o r cat f.txt", capsys)  # a Guest of the old session runs on the new one
        assert ip.user_ns["r"].stdout == b"kept"
        cell(ip, "%wasi_reset", capsys)
        assert not fs(ip).path("/f.txt").exists() and magics(ip).last is None

    def test_a_user_variable_named_wasi_is_left_alone(self, ip, capsys):
        ip.user_ns["wasi"] = "mine"
        try:
            cell(ip, "%wasi_reset", capsys)
            assert ip.user_ns["wasi"] == "mine"
        finally:
            ip.user_ns["wasi"] = magics(ip).session


class TestInteractive:
    def test_stdin_past_the_body_is_asked_line_by_line(self, ip, capsys, monkeypatch):
        answers = iter(["second", "third", ""])
        prompts = []
        monkeypatch.setattr(builtins, "input", lambda prompt="": prompts.append(prompt) or next(answers))
        out, err = cell(ip, "%%wasi_run -o r -i echo_stdin\nfirst\n", capsys)
        assert ip.user_ns["r"].stdout == b"first\nsecond\nthird\n"
        assert prompts == ["stdin of echo_stdin.wasm (an empty line ends it): "] * 3  # the empty line ended it

    def test_end_of_input(self, ip, capsys, monkeypatch):
        def eof(prompt=""):
            raise EOFError
        monkeypatch.setattr(builtins, "input", eof)
        cell(ip, "%wasi_run -o r --interactive wc", capsys)
        assert ip.user_ns["r"].stdout == b"      0       0       0\n"

    def test_without_interactive_input_is_never_asked(self, ip, capsys, monkeypatch):
        monkeypatch.setattr(builtins, "input", lambda prompt="": pytest.fail("asked"))
        cell(ip, "%%wasi_run -o r wc\na b\n", capsys)
        assert ip.user_ns["r"].stdout == b"      1       2       4\n"


def sigint_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


class TestInterrupt:
    """SIGINT is what the notebook's interrupt button sends the kernel."""

    @pytest.mark.parametrize("guest", ["SPIN", "WRITE_THEN_SPIN", "YIELD_FOREVER"])
    def test_sigint_stops_a_guest_in_a_tight_loop(self, ip, capsys, guest):
        fs(ip).path("/before.txt").write_text("intact")
        handler = signal.getsignal(signal.SIGINT)
        timer = sigint_after(0.3)
        started = time.perf_counter()
        out, err = cell(ip, f"%%wasi_run --wat -o r\n{getattr(watguests, guest)}", capsys)
        elapsed = time.perf_counter() - started
        timer.join()
        result = ip.user_ns["r"]
        assert result.interrupted and result.trap == "interrupted" and result.exit_code is None
        assert elapsed < 1.3, elapsed
        assert err.startswith("cell.wat was interrupted (after ") and err.count("\n") == 1
        assert "KeyboardInterrupt" not in out + err and "Traceback" not in out + err
        assert fs(ip).path("/before.txt").read_text() == "intact"
        assert signal.getsignal(signal.SIGINT) is handler  # the shell's own handler is back
        if guest == "WRITE_THEN_SPIN":
            assert fs(ip).path("/left.txt").read_text() == "kept"
            assert [c.function for c in result.trace] == ["path_open", "fd_write"]
        if guest == "YIELD_FOREVER":
            assert result.coverage.calls("sched_yield") > 0

    def test_sigint_while_waiting_for_input(self, ip, capsys, monkeypatch):
        def slow(prompt=""):
            time.sleep(10)  # a person who does not answer
            return "never"
        monkeypatch.setattr(builtins, "input", slow)
        timer = sigint_after(0.3)
        started = time.perf_counter()
        out, err = cell(ip, "%%wasi_run -o r -i echo_stdin\nfirst\n", capsys)
        timer.join()
        assert time.perf_counter() - started < 1.3
        assert ip.user_ns["r"].stdout == b"first\n" and "Traceback" not in err

    def test_after_the_run_sigint_is_the_shells_again(self, ip, capsys):
        cell(ip, "%wasi_run echo_stdin", capsys)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)


class TestUnload:
    def test_unload_removes_the_magics_and_load_brings_them_back(self, shell):
        shell.run_line_magic("unload_ext", "wasi_notebook")
        try:
            assert shell.find_magic("wasi_run") is None and "wasi" not in shell.user_ns
        finally:
            shell.run_line_magic("load_ext", "wasi_notebook")
        assert shell.find_magic("wasi_run") is not None


class TestInAKernel:
    """The interrupt button as JupyterLab sends it: the kernel manager signals the kernel."""

    def test_the_interrupt_button_stops_a_spinning_guest(self, tmp_path):
        from jupyter_client.manager import start_new_kernel

        env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
        try:
            def run(code: str, interrupt_after: float | None = None) -> tuple[dict, str]:
                msg_id = kc.execute(code)
                if interrupt_after is not None:
                    time.sleep(interrupt_after)
                    sent = time.perf_counter()
                    km.interrupt_kernel()
                reply = kc.get_shell_msg(timeout=30)
                if interrupt_after is not None:
                    assert time.perf_counter() - sent < 1.0
                text = []
                while True:
                    msg = kc.get_iopub_msg(timeout=10)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "stream":
                        text.append(msg["content"]["text"])
                    elif msg["msg_type"] == "error":
                        text.append("\n".join(msg["content"]["traceback"]))
                    elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
                return reply["content"], "".join(text)

            reply, _ = run("%load_ext wasi_notebook\nwasi.fs.path('/keep.txt').write_text('intact')")
            assert reply["status"] == "ok"
            reply, text = run(f"%%wasi_run --wat -o r\n{watguests.WRITE_THEN_SPIN}", interrupt_after=1.0)
            assert reply["status"] == "ok" and "cell.wat was interrupted" in text, text
            assert "KeyboardInterrupt" not in text
            reply, text = run("print(r.trap, [c.function for c in r.trace], wasi.fs.path('/keep.txt').read_text(),"
                              " wasi.fs.path('/left.txt').read_text())")
            assert text == "interrupted ['path_open', 'fd_write'] intact kept\n"
            # --interactive asks through the kernel's input requests, answered here as a frontend would
            msg_id = kc.execute("%%wasi_run -o typed -i wc\nfrom the body\n", allow_stdin=True)
            prompts = []
            for answer in ("typed line one", "and two", ""):
                request = kc.get_stdin_msg(timeout=10)
                assert request["msg_type"] == "input_request" and request["parent_header"]["msg_id"] == msg_id
                prompts.append(request["content"]["prompt"])
                kc.input(answer)
            assert kc.get_shell_msg(timeout=10)["content"]["status"] == "ok"
            reply, text = run("print(typed.stdout_text)")
            assert text == "      3       8      37\n\n"
            assert prompts == ["stdin of wc.wasm (an empty line ends it): "] * 3
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


class TestWidgets:
    """With a notebook frontend the magics show the widgets (their own tests check what they draw)."""

    @pytest.fixture
    def shown(self, ip, monkeypatch):
        """Pretend a frontend is there; collect what the magics display."""
        import IPython.display

        objects = []

        class Handle:
            def update(self, obj):
                objects.append(obj)

        def display(obj, **kwargs):
            objects.append(obj)
            return Handle() if kwargs.get("display_id") else None

        monkeypatch.setattr(WasiMagics, "_frontend", lambda self: True)
        monkeypatch.setattr(IPython.display, "display", display)
        monkeypatch.setattr("wasi_notebook.magics.display", display)
        magics(ip).use_widgets = None
        return objects

    def test_a_run_streams_into_its_result_view(self, ip, shown, capsys):
        from wasi_notebook.widgets import ResultView

        cell(ip, "%%wasi_run -o r cat - missing.txt\nstreamed\n", capsys)
        view = shown[0]
        assert isinstance(view, ResultView) and shown[-1] is view and view.result is ip.user_ns["r"]
        assert view.output.text("stdout") == "streamed\n" and "missing.txt" in view.output.text("stderr")
        assert view.tree is not None and view.tree.fs is fs(ip)

    def test_quiet_shows_only_a_live_output(self, ip, shown, capsys):
        from wasi_notebook.widgets import LiveOutput

        cell(ip, "%%wasi_run -q cat\nquiet\n", capsys)
        [live] = shown
        assert isinstance(live, LiveOutput) and live.text() == "quiet\n" and not live.running

    def test_tree_coverage_and_trace_widgets(self, ip, shown, capsys):
        from wasi_notebook.widgets import CoverageWidget, TraceWidget, TreeWidget

        fs(ip).path("/d").mkdir()
        cell(ip, "%wasi_run -q cp missing d/x", capsys)
        shown.clear()
        cell(ip, "%wasi_fs /d", capsys)
        cell(ip, "%wasi_coverage", capsys)
        cell(ip, "%wasi_trace --function path_open --errno noent", capsys)
        cell(ip, "%wasi_trace -f path_open -f fd_write", capsys)  # two functions: the text listing
        tree, coverage, trace, listing = shown
        assert isinstance(tree, TreeWidget) and tree.root == "/d"
        assert isinstance(coverage, CoverageWidget) and coverage.coverage is magics(ip).last.coverage
        assert isinstance(trace, TraceWidget) and (trace.function, trace.errno) == ("path_open", "NOENT")
        assert "path_open" in listing.plain

"""Terminal renderings, compared as exact text (no colour)."""

from rich.console import Console

from wasi_notebook.memfs import MemFs
from wasi_notebook import Session, guests
from wasi_notebook.render import diff_table, guest_table, human_size, result_summary, tree


def text(renderable, width=80) -> str:
    console = Console(width=width, color_system=None, record=True, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def test_human_size():
    assert [human_size(n) for n in (0, 1023, 1024, 1536, 5 << 20, 3 << 30)] == [
        "0 B", "1023 B", "1.0 KiB", "1.5 KiB", "5.0 MiB", "3.0 GiB"]


def test_tree_plain(fs):
    fs.path("/d").mkdir()
    fs.path("/d/f.txt").write_text("hello")
    fs.path("/d/l").symlink_to("f.txt")
    fs.path("/h").hardlink_to("/d/f.txt")
    assert text(tree(fs.root)) == (
        "📁 /\n"
        "├── 📁 d\n"
        "│   ├── 📄 f.txt  5 B  (2 links)\n"
        "│   └── 🔗 l -> f.txt\n"
        "└── 📄 h  5 B  (2 links)\n"
    )


def test_tree_marks_changes_and_keeps_deleted_entries(fs):
    fs.path("/keep").write_text("k")
    fs.path("/gone").write_text("g")
    fs.path("/edit").write_text("e")
    snap = fs.snapshot()
    fs.path("/gone").unlink()
    fs.path("/edit").write_text("edited")
    fs.path("/new").mkdir()
    assert text(tree(fs.root, snap.diff())) == (
        "📁 /\n"
        "├── 📄 keep  1 B\n"
        "├── 📄 edit  6 B  [modified]\n"
        "├── 📁 new  [created]\n"
        "└── ✖ gone  [deleted]\n"
    )


def test_tree_cuts_big_folders(fs):
    for i in range(5):
        fs.path(f"/f{i}").write_text("")
    out = text(tree(fs.root, max_children=2))
    assert out.splitlines()[-1] == "└── … 3 more"


def test_tree_depth_limit(fs):
    fs.path("/a/b/c").mkdir(parents=True)
    assert "c" not in text(tree(fs.root, max_depth=2))


def test_diff_table(clock):
    fs = MemFs(clock=clock)
    fs.path("/a").write_text("abc")
    snap = fs.snapshot()
    fs.path("/a").rename("/b")
    fs.path("/c").write_text("x")
    out = text(diff_table(snap.diff()), width=100)
    assert out.splitlines()[0].strip() == "Changes: 1 created, 1 moved"
    assert "│ /a -> /b │ moved   │" in out
    assert "│ /c       │ created │" in out


def test_coverage_table_and_trace_text():
    from wasi_notebook import Session, guests
    from wasi_notebook.render import coverage_table, group_of, trace_text

    session = Session()
    session.fs.path("/f").write_text("x")
    result = session.run(guests.path("cat"), ["f", "nope"])
    table = text(coverage_table(result.coverage), width=100)
    assert table.splitlines()[0].strip() == "preview1 coverage: called 10 of 46, imported 11"
    assert "│ path_open " in table and "NOENT×1" in table
    assert table.rstrip().endswith("35 of 46 functions not imported")
    listing = text(trace_text(result.trace, limit=3), width=200)
    assert listing.splitlines()[0].strip() == "1  fd_prestat_get(fd=3) = {type=DIR, name_len=1}"
    assert listing.rstrip().splitlines()[-1].strip().startswith("...") and "more calls" in listing
    assert [group_of(f) for f in ("args_get", "clock_res_get", "fd_read", "path_open", "poll_oneoff",
                                  "sock_recv")] == ["args, environ", "clocks", "fd", "path",
                                                    "poll, proc, sched, random", "sockets"]


def test_guest_table():
    cat = Session().load(guests.path("cat"))
    out = text(guest_table(cat), width=100)
    assert out.startswith(f"cat.wasm: preview1 module, {human_size(cat.size)}")
    assert "_start (func)" in out and "memory (memory)" in out
    assert "11 of the 46 preview1 functions" in out
    rows = {line.split("│")[0].strip(): line.split("│")[1].strip() for line in out.splitlines()[1:] if "│" in line}
    assert rows["path"] == "path_open" and rows["poll, proc, sched, random"] == "proc_exit"


def test_result_summary():
    session = Session()
    session.fs.path("/a").write_text("x")
    done = text(result_summary(session.run(guests.path("cp"), ["a", "b"])), width=120)
    assert done.splitlines()[0].startswith("╭─ cp.wasm a b ")
    assert "exit 0  ·  " in done and "called 11 of 46, imported 13  ·  1 created" in done
    assert "+ │ /b" in done.replace("  ", " ")
    trapped = text(result_summary(session.run("(module (func (export \"_start\") unreachable))")), width=120)
    assert "trapped: wasm `unreachable` instruction executed" in trapped and "guest!<func 0>" in trapped


def test_a_components_coverage_and_trace_text_by_short_names():
    from wasi_notebook.render import coverage_table, trace_text

    from .p2.toolchain import componentize

    session = Session()
    session.fs.path("/a.txt").write_text("alpha\n")
    cat = session.load(componentize(guests.path("cat")), name="cat")
    result = session.run(cat, ["a.txt", "missing"], deterministic=True)
    table = text(coverage_table(result.coverage), width=140)
    rows = {cells[1].strip(): [c.strip() for c in cells] for line in table.splitlines()
            if len(cells := line.split("│")) == 5}
    assert rows["open-at"][2:] == ["2", "no-entry×1", ""]
    assert rows["blocking-read"][2:] == ["2", "", "closed×1"]  # a normal end, not an error
    assert rows["stdout.get-stdout"][0] == "wasi:cli/stdout" and "descriptor.open-at" not in table
    listing = trace_text(result.trace, limit=None)
    red = {listing.plain[span.start:span.end].split("(")[0] for span in listing.spans if span.style == "red"}
    assert red == {"open-at"}  # the missing file; the read that answered closed is no failure
    assert [line.split()[1].split("(")[0] for line in listing.plain.splitlines() if line.endswith(" = closed")] == [
        "blocking-read"]

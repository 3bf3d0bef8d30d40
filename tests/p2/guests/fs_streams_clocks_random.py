"""A native preview2 guest (componentize-py): files, streams, clocks and random through the
generated bindings of WASI 0.2 (wasi:filesystem/types and preopens, wasi:io/streams,
wasi:clocks, wasi:random), never through Python's open() or time.

It makes out/notes.txt (written, appended, read back), out/random.bin (16 random bytes) and
out/gone.txt (made, then unlinked), prints what it did, and fails (exit 1) when given "fail".
"""

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import environment, monotonic_clock, preopens, random, stdout, streams, wall_clock
from wit_world.imports.types import DescriptorFlags, OpenFlags, PathFlags

CHUNK = 4096  # what one blocking-write-and-flush may take


class Run(exports.Run):
    def run(self) -> None:
        out = stdout.get_stdout()

        def say(text: str) -> None:
            out.blocking_write_and_flush((text + "\n").encode())

        root = next(d for d, path in preopens.get_directories() if path == "/")
        start = monotonic_clock.now()
        say(f"wall clock: {wall_clock.now().seconds} s, resolution {wall_clock.resolution().nanoseconds} ns")

        try:
            root.create_directory_at("out")
        except Err as e:
            say(f"out: {e.value.name}")
        notes = root.open_at(PathFlags.SYMLINK_FOLLOW, "out/notes.txt", OpenFlags.CREATE | OpenFlags.TRUNCATE,
                             DescriptorFlags.READ | DescriptorFlags.WRITE)
        with notes.write_via_stream(0) as w:
            budget = w.check_write()
            line = b"written through wasi:io/streams\n"
            w.write(line[:budget])
            w.blocking_flush()
            w.blocking_write_zeroes_and_flush(0)
        with notes.append_via_stream() as a:
            a.blocking_write_and_flush(b"appended\n")
        st = root.stat_at(PathFlags.SYMLINK_FOLLOW, "out/notes.txt")
        say(f"out/notes.txt: {st.type.name.lower()}, {st.size} bytes, {st.link_count} link")

        data = b""
        with notes.read_via_stream(0) as r:
            while True:
                try:
                    data += r.blocking_read(CHUNK)
                except Err as e:
                    if isinstance(e.value, streams.StreamError_Closed):
                        break
                    raise
        say(f"read back: {data.decode()!r}")
        notes.__exit__(None, None, None)

        noise = random.get_random_bytes(16)
        with root.open_at(PathFlags(0), "out/random.bin", OpenFlags.CREATE, DescriptorFlags.WRITE) as f:
            with f.write_via_stream(0) as w:
                w.blocking_write_and_flush(noise)
        say(f"random: {noise.hex()} u64 {random.get_random_u64()}")

        with root.open_at(PathFlags(0), "out/gone.txt", OpenFlags.CREATE, DescriptorFlags.WRITE):
            pass
        root.unlink_file_at("out/gone.txt")
        for path in ("out/gone.txt", "missing.txt"):
            try:
                root.open_at(PathFlags(0), path, OpenFlags(0), DescriptorFlags.READ)
                say(f"{path}: opened?")
            except Err as e:
                say(f"{path}: {e.value.name}")

        elapsed = monotonic_clock.now() - start
        say(f"monotonic clock: advanced {elapsed > 0}, resolution {monotonic_clock.resolution()} ns")
        if "fail" in environment.get_arguments()[1:]:
            say("failing as asked")
            raise Err(None)

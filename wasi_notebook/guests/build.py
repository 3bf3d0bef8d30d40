"""Build the bundled example guests from C with zig (``pip install ziglang``).

    python -m wasi_notebook.guests.build            rebuild every guest in place
    python -m wasi_notebook.guests.build cat wc     rebuild only these
    python -m wasi_notebook.guests.build --check    build into a temp folder and
                                                    fail if a shipped .wasm differs

Builds are byte-for-byte reproducible: the compiler runs inside ``src/`` on a
relative file name (so ``__FILE__`` holds no machine path), with debug info and
symbol names stripped, and wasm-ld adds no build id. The same zig version gives
the same bytes anywhere; another zig version may legitimately give others, and
then ``--check`` says so and a rebuild is the fix. The shipped guests are built
with the ziglang that the ``test`` extra pins in pyproject.toml (0.17.1 already
gives other bytes than 0.17.0): move the pin and the rebuild together.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import GUESTS, HERE, SRC_DIR, path, source

#: Compiler flags, after ``python -m ziglang cc``.
CFLAGS: tuple[str, ...] = (
    "-target", "wasm32-wasi",
    "-O2",
    "-s",                      # strip debug info and the "name" section
    "-Wl,--build-id=none",     # no build id section
    "-Wall", "-Werror",
)


class BuildError(RuntimeError):
    """The compiler failed on a guest (its message is included)."""


def zig_command() -> list[str]:
    """The command that runs zig's C compiler driver."""
    return [sys.executable, "-m", "ziglang", "cc"]


def build_one(name: str, out_dir: Path) -> Path:
    """Compile guest *name* to ``out_dir/<name>.wasm`` and return that path."""
    src = source(name)
    out = Path(out_dir).resolve() / f"{name}.wasm"
    cmd = [*zig_command(), *CFLAGS, src.name, "-o", str(out)]
    proc = subprocess.run(cmd, cwd=src.parent, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"building {name} failed:\n{proc.stderr}{proc.stdout}")
    return out


def build_all(out_dir: Path, names: list[str] | tuple[str, ...] = GUESTS) -> dict[str, Path]:
    """Compile *names* into *out_dir*, a few at a time. Returns name -> .wasm."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(names)
    if not names:
        return {}
    # The first zig run may have to build wasi-libc into zig's cache: do that
    # one alone, so that the others find the cache filled.
    results = {names[0]: build_one(names[0], out_dir)}
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        for name, out in zip(names[1:], pool.map(lambda n: build_one(n, out_dir), names[1:])):
            results[name] = out
    return results


def check(names: list[str] | tuple[str, ...] = GUESTS) -> list[str]:
    """Build *names* into a temp folder; return those whose shipped .wasm differs
    from the fresh build (or is missing). An empty list means all is in order."""
    with tempfile.TemporaryDirectory(prefix="wasi-notebook-guests-") as tmp:
        built = build_all(Path(tmp), names)
        stale = []
        for name in names:
            shipped = path(name)
            if not shipped.exists() or shipped.read_bytes() != built[name].read_bytes():
                stale.append(name)
        return stale


def unlisted_sources() -> list[str]:
    """C files in ``src/`` that are not in GUESTS (forgotten when adding one)."""
    return sorted(p.stem for p in SRC_DIR.glob("*.c") if p.stem not in GUESTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wasi_notebook.guests.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true",
                        help="do not write anything; exit 1 if a shipped binary is stale")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"guests to build (default: all of {', '.join(GUESTS)})")
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in GUESTS:
            parser.error(f"unknown guest {name!r}; known guests: {', '.join(GUESTS)}")
    names = args.names or list(GUESTS)
    extra = unlisted_sources()
    if extra:
        print(f"warning: src/ has sources not listed in GUESTS: {', '.join(extra)}",
              file=sys.stderr)

    try:
        if args.check:
            stale = check(names)
            if stale:
                print("shipped guests that differ from their sources: " + ", ".join(stale))
                print("rebuild them with: python -m wasi_notebook.guests.build")
                return 1
            print(f"all {len(names)} shipped guests match their sources")
            return 0

        with tempfile.TemporaryDirectory(prefix="wasi-notebook-guests-") as tmp:
            built = build_all(Path(tmp), names)
            for name in names:
                data = built[name].read_bytes()
                target = path(name)
                changed = not target.exists() or target.read_bytes() != data
                if changed:
                    target.write_bytes(data)
                print(f"{name + '.wasm':<18} {len(data):>7} bytes"
                      f"{'  (updated)' if changed else ''}")
        total = sum(path(n).stat().st_size for n in names)
        print(f"{'total':<18} {total:>7} bytes in {HERE.name}/")
        return 0
    except BuildError as err:
        print(err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

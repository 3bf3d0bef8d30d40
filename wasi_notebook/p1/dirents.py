"""Directory listings as ``fd_readdir`` lays them out, encoded once per version of a directory.

A listing is one bytes object holding every entry (``.``, ``..``, then the names in cookie
order), each a 24-byte dirent header followed by its name. A call for the entries after a
cookie copies the part of it that starts at the first such entry: as many bytes as the guest's
buffer holds, the last entry cut at the buffer's end exactly as preview1 says. Listing a big
directory in pieces thus costs a bisection and one copy per call, not Python work per entry.
"""

from __future__ import annotations

import bisect
import weakref

from ..memfs import Directory, FileType
from .structs import Dirent

__all__ = ["Listings"]

_HEADER = Dirent.STRUCT


# One cache for every host: a listing depends only on the directory (and its version), so a
# directory listed by one run and unchanged since is not encoded again by the next.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Listings:
    """Encoded listings, kept per directory until it changes (``Directory.version``)."""

    def __init__(self, filetypes: dict) -> None:
        self._filetypes = filetypes  # MemFs FileType -> preview1 filetype number

    def listing(self, directory: Directory) -> tuple[bytes, list[int], list[int]]:
        """(encoded entries, the cookie of each entry, where each entry starts)."""
        cached = _CACHE.get(directory)
        if cached is not None and cached[0] == directory.version:
            return cached[1:]
        pack = _HEADER.pack
        types = self._filetypes
        file_type, file_number = FileType.REGULAR_FILE, types[FileType.REGULAR_FILE]
        live = directory.cookies
        rows = [(1, ".", directory), (2, "..", directory.parent)]
        rows += [(c, name, directory.entries[name]) for c, name in directory.order if live.get(name) == c]
        records = []
        for cookie, name, inode in rows:
            encoded = name.encode("utf-8", "surrogateescape")  # a host folder's name may not be UTF-8
            kind = inode.type  # compared by identity: hashing an Enum member costs a Python call
            number = file_number if kind is file_type else types[kind]
            records.append(pack(cookie, inode.ino, len(encoded), number) + encoded)
        starts = []
        offset = 0
        for record in records:
            starts.append(offset)
            offset += len(record)
        blob = b"".join(records)
        cookies = [row[0] for row in rows]
        _CACHE[directory] = (directory.version, blob, cookies, starts)
        return blob, cookies, starts

    def read(self, directory: Directory, cookie: int, size: int) -> bytes:
        """The bytes ``fd_readdir`` writes for the entries after ``cookie`` into ``size`` bytes."""
        blob, cookies, starts = self.listing(directory)
        i = bisect.bisect_right(cookies, cookie)
        if i == len(cookies):
            return b""
        start = starts[i]
        return blob[start : start + size]

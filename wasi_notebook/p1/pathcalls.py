"""The ``path_*`` calls of preview1 (10 of the 46): each resolves a guest path from a directory
descriptor through MemFs, whose resolver keeps it inside that directory."""

from __future__ import annotations

from .defs import Fdflags, Lookupflags, Oflags, Rights, as_ints
from .fdcalls import times_from_flags
from .fds import Fd
from .memory import guest_slice
from .state import FILETYPES, HostState

__all__ = ["PathCalls"]

R = as_ints(Rights)


def _follow(lookupflags: int) -> bool:
    return bool(Lookupflags.from_guest(lookupflags) & Lookupflags.SYMLINK_FOLLOW)


class PathCalls(HostState):
    def path_open(self, mem, fd: int, dirflags: int, path_ptr: int, path_len: int, oflags: int,
                  rights: int, inheriting: int, fdflags: int) -> int:
        follow = _follow(dirflags)
        oflags = int(Oflags.from_guest(oflags))
        fdflags = int(Fdflags.from_guest(fdflags))
        Rights.from_guest(rights)
        Rights.from_guest(inheriting)
        needs = R.PATH_OPEN
        if oflags & Oflags.CREAT:
            needs |= R.PATH_CREATE_FILE
        if oflags & Oflags.TRUNC:
            needs |= R.PATH_FILESTAT_SET_SIZE
        base = self.directory(fd, needs)
        # The new descriptor gets what was asked for and the directory passes on, no more; asking
        # for more is not an error (wasi-libc asks for every right it might use).
        passed_on = self.fds.get(fd).inheriting
        rights &= passed_on
        inheriting &= passed_on
        path = self.path(mem, path_ptr, path_len)
        handle = self.fs.open_at(
            base, path, follow=follow,
            create=bool(oflags & Oflags.CREAT), exclusive=bool(oflags & Oflags.EXCL),
            truncate=bool(oflags & Oflags.TRUNC), directory=bool(oflags & Oflags.DIRECTORY),
            read=bool(rights & (R.FD_READ | R.FD_READDIR)),
            write=bool(rights & R.FD_WRITE),
            append=bool(fdflags & Fdflags.APPEND),
        )
        filetype = FILETYPES[handle.inode.type]
        return self.fds.add(Fd(filetype, rights, inheriting, handle=handle, flags=fdflags))

    def path_create_directory(self, mem, fd: int, path_ptr: int, path_len: int) -> None:
        base = self.directory(fd, R.PATH_CREATE_DIRECTORY)
        self.fs.mkdir_at(base, self.path(mem, path_ptr, path_len))

    def path_remove_directory(self, mem, fd: int, path_ptr: int, path_len: int) -> None:
        base = self.directory(fd, R.PATH_REMOVE_DIRECTORY)
        self.fs.rmdir_at(base, self.path(mem, path_ptr, path_len))

    def path_unlink_file(self, mem, fd: int, path_ptr: int, path_len: int) -> None:
        base = self.directory(fd, R.PATH_UNLINK_FILE)
        self.fs.unlink_at(base, self.path(mem, path_ptr, path_len))

    def path_filestat_get(self, mem, fd: int, flags: int, path_ptr: int, path_len: int):
        follow = _follow(flags)
        base = self.directory(fd, R.PATH_FILESTAT_GET)
        return self.stat_values(self.fs.stat_at(base, self.path(mem, path_ptr, path_len), follow=follow))

    def path_filestat_set_times(self, mem, fd: int, flags: int, path_ptr: int, path_len: int,
                                atim: int, mtim: int, fst_flags: int) -> None:
        follow = _follow(flags)
        atime, mtime = times_from_flags(atim, mtim, fst_flags)
        base = self.directory(fd, R.PATH_FILESTAT_SET_TIMES)
        self.fs.set_times_at(base, self.path(mem, path_ptr, path_len), atime, mtime, follow=follow)

    def path_link(self, mem, old_fd: int, old_flags: int, old_path_ptr: int, old_path_len: int,
                  new_fd: int, new_path_ptr: int, new_path_len: int) -> None:
        follow = _follow(old_flags)
        old_base = self.directory(old_fd, R.PATH_LINK_SOURCE)
        new_base = self.directory(new_fd, R.PATH_LINK_TARGET)
        self.fs.link_at(old_base, self.path(mem, old_path_ptr, old_path_len),
                        new_base, self.path(mem, new_path_ptr, new_path_len), follow=follow)

    def path_rename(self, mem, fd: int, old_path_ptr: int, old_path_len: int, new_fd: int,
                    new_path_ptr: int, new_path_len: int) -> None:
        old_base = self.directory(fd, R.PATH_RENAME_SOURCE)
        new_base = self.directory(new_fd, R.PATH_RENAME_TARGET)
        self.fs.rename_at(old_base, self.path(mem, old_path_ptr, old_path_len),
                          new_base, self.path(mem, new_path_ptr, new_path_len))

    def path_symlink(self, mem, old_path_ptr: int, old_path_len: int, fd: int, new_path_ptr: int,
                     new_path_len: int) -> None:
        target = self.path(mem, old_path_ptr, old_path_len)
        base = self.directory(fd, R.PATH_SYMLINK)
        self.fs.symlink_at(target, base, self.path(mem, new_path_ptr, new_path_len), relative_only=True)

    def path_readlink(self, mem, fd: int, path_ptr: int, path_len: int, buf: int, buf_len: int) -> int:
        base = self.directory(fd, R.PATH_READLINK)
        # a target imported from a host folder may not be UTF-8: the guest gets its bytes
        path = self.path(mem, path_ptr, path_len)
        target = self.fs.readlink_at(base, path, relative_only=True).encode("utf-8", "surrogateescape")
        out = guest_slice(mem, buf, buf_len)
        count = min(len(target), buf_len)  # cut to the buffer, as readlink(2) does
        out[:count] = target[:count]
        return count

"""The rest of preview1 (15 of the 46): arguments and environment, clocks, poll_oneoff, the
process (exit, raise, yield), randomness, and sockets, which the network policy denies: no
socket can ever exist, so each socket call answers as for any descriptor that is not one."""

from __future__ import annotations

from ..errors import Errno, WasiError
from ..hostcall import ProcExit
from .defs import Clockid, Eventrwflags, Eventtype, Fdflags, Riflags, Rights, Sdflags, Siflags, Signal, Subclockflags
from .memory import GuestMemoryError, guest_slice
from .state import HostState
from .structs import Event, Subscription

__all__ = ["ProcCalls"]

_U32 = 4
_STREAM_ROOM = 1 << 16  # what poll_oneoff says a stream (or an unlimited MemFs) can take at once


def _strings(items: list[str]) -> list[bytes]:
    # an argument from a command line may hold bytes that are not UTF-8 (as Python's
    # surrogateescape decoded them): the guest gets those bytes back
    return [item.encode("utf-8", "surrogateescape") + b"\0" for item in items]


class ProcCalls(HostState):
    # -- arguments and environment -----------------------------------------------------------

    def _put_strings(self, mem, ptrs: int, buf: int, items: list[bytes]) -> None:
        if not items:
            return  # nothing to write: the pointers are not looked at
        table = guest_slice(mem, ptrs, _U32 * len(items))
        data = guest_slice(mem, buf, sum(len(i) for i in items))
        offset = 0
        for i, item in enumerate(items):
            table[_U32 * i : _U32 * (i + 1)] = (buf + offset).to_bytes(4, "little")
            data[offset : offset + len(item)] = item
            offset += len(item)

    def args_sizes_get(self, mem):
        items = _strings(self.ctx.args)
        return (len(items), sum(len(i) for i in items))

    def args_get(self, mem, argv: int, argv_buf: int) -> None:
        self._put_strings(mem, argv, argv_buf, _strings(self.ctx.args))

    def _environ(self) -> list[bytes]:
        return _strings([f"{k}={v}" for k, v in self.ctx.env.items()])

    def environ_sizes_get(self, mem):
        items = self._environ()
        return (len(items), sum(len(i) for i in items))

    def environ_get(self, mem, environ: int, environ_buf: int) -> None:
        self._put_strings(mem, environ, environ_buf, self._environ())

    # -- clocks ------------------------------------------------------------------------------

    _CLOCK_NAMES = {Clockid.REALTIME: "realtime", Clockid.MONOTONIC: "monotonic",
                    Clockid.PROCESS_CPUTIME_ID: "process", Clockid.THREAD_CPUTIME_ID: "thread"}

    def now(self, clock_id: int) -> int:
        clocks = self.ctx.clocks
        clock_id = Clockid.from_guest(clock_id)
        if clock_id == Clockid.REALTIME:
            return clocks.realtime()
        if clock_id == Clockid.MONOTONIC:
            return clocks.monotonic()
        if clock_id == Clockid.PROCESS_CPUTIME_ID:
            return clocks.process_cputime()
        return clocks.thread_cputime()

    def clock_res_get(self, mem, clock_id: int) -> int:
        return self.ctx.clocks.resolution(self._CLOCK_NAMES[Clockid.from_guest(clock_id)])

    def clock_time_get(self, mem, clock_id: int, precision: int) -> int:
        return self.now(clock_id)

    # -- poll_oneoff -------------------------------------------------------------------------

    def poll_oneoff(self, mem, in_ptr: int, out_ptr: int, nsubscriptions: int) -> int:
        if nsubscriptions == 0:
            raise WasiError(Errno.INVAL, None, "poll_oneoff needs at least one subscription")
        subscriptions = Subscription.unpack_array(mem, in_ptr, nsubscriptions)
        if out_ptr & (Event.ALIGN - 1) or out_ptr + Event.SIZE * nsubscriptions > len(mem):
            # FAULT now, not after waiting
            raise GuestMemoryError(out_ptr, Event.SIZE * nsubscriptions, len(mem), Event.ALIGN)
        ready: list[Event] = []
        timers: list[tuple[int, int]] = []  # (ns left, userdata)
        for sub in subscriptions:
            if sub.type == Eventtype.CLOCK:
                clock = sub.u
                absolute = clock.flags & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME
                try:
                    Subclockflags.from_guest(clock.flags)
                    if absolute:
                        left = clock.timeout - self.now(clock.id)
                    else:  # INVAL for an unknown clock, without reading it: a virtual one would move
                        Clockid.from_guest(clock.id)
                        left = clock.timeout
                except WasiError as e:
                    ready.append(Event(sub.userdata, e.errno, Eventtype.CLOCK, 0, 0))
                    continue
                timers.append((left, sub.userdata))
            else:
                ready.append(self._fd_event(sub))
        due = [userdata for left, userdata in timers if left <= 0]
        if not ready and not due and timers:
            wait = min(left for left, _ in timers)
            self.ctx.clocks.sleep(wait)
            due = [userdata for left, userdata in timers if left <= wait]
        ready.extend(Event(userdata, 0, Eventtype.CLOCK, 0, 0) for userdata in due)
        return Event.store_array(mem, out_ptr, ready)

    def _fd_event(self, sub: Subscription) -> Event:
        kind = Eventtype(sub.type)
        fd = sub.u.file_descriptor
        try:
            rights = Rights.FD_READ if kind == Eventtype.FD_READ else Rights.FD_WRITE
            entry = self.fds.get(fd, rights | Rights.POLL_FD_READWRITE)
        except WasiError as e:
            return Event(sub.userdata, e.errno, kind, 0, 0)
        if kind == Eventtype.FD_WRITE:
            return Event(sub.userdata, 0, kind, self._write_room(entry), 0)
        if entry.stream is not None:
            stdin = entry.stream
            pending = stdin.ready()
            hangup = Eventrwflags.FD_READWRITE_HANGUP if (stdin.eof and not pending) else 0
            return Event(sub.userdata, 0, kind, pending, hangup)
        handle = entry.handle
        left = max(0, handle.inode.size - handle.pos)
        # at the end of a file nothing more can come: HANGUP, as for stdin at its end (and as
        # wasmtime says)
        return Event(sub.userdata, 0, kind, left, 0 if left else Eventrwflags.FD_READWRITE_HANGUP)

    def _write_room(self, entry) -> int:
        """nbytes of a writable descriptor: how much one write could take now. A file: the room
        left under the MemFs quota; a stream takes anything, and says a pipe's buffer."""
        if entry.stream is not None or self.fs.max_bytes is None:
            return _STREAM_ROOM
        return max(0, self.fs.max_bytes - self.fs.used_bytes)

    # -- the process -------------------------------------------------------------------------

    def proc_exit(self, mem, code: int) -> None:
        raise ProcExit(code)

    def proc_raise(self, mem, sig: int) -> None:
        Signal.from_guest(sig)
        raise WasiError(Errno.NOTSUP, None, "there are no signals here: a guest cannot raise one")

    def sched_yield(self, mem) -> None:
        return None

    def random_get(self, mem, buf: int, buf_len: int) -> None:
        if buf_len:  # an empty buffer is not looked at
            target = guest_slice(mem, buf, buf_len)  # FAULT before drawing: a seeded stream stays put
            target[:] = self.ctx.entropy.bytes(buf_len)

    # -- sockets: denied by policy -----------------------------------------------------------

    def _not_a_socket(self, fd: int) -> WasiError:
        self.fds.get(fd)  # BADF first, for a number that is not open at all
        return WasiError(Errno.NOTSOCK, None, f"fd {fd} is not a socket (the network is denied: none can exist)")

    def sock_accept(self, mem, fd: int, flags: int) -> int:
        Fdflags.from_guest(flags)
        raise self._not_a_socket(fd)

    def sock_recv(self, mem, fd: int, ri_data: int, ri_data_len: int, ri_flags: int):
        Riflags.from_guest(ri_flags)
        raise self._not_a_socket(fd)

    def sock_send(self, mem, fd: int, si_data: int, si_data_len: int, si_flags: int) -> int:
        Siflags.from_guest(si_flags)
        raise self._not_a_socket(fd)

    def sock_shutdown(self, mem, fd: int, how: int) -> None:
        Sdflags.from_guest(how)
        raise self._not_a_socket(fd)

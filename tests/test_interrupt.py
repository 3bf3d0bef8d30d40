"""SigintWatch: SIGINT turned into Session.interrupt() while a guest runs, then the old handlers back."""

import os
import signal
import socket
import threading
import time

import pytest

from wasi_notebook import Session
from wasi_notebook.interrupt import SigintWatch

from . import watguests


class Recorder:
    def __init__(self):
        self.calls = 0

    def interrupt(self):
        self.calls += 1


def wait_for(condition, seconds=2.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_sigint_interrupts_without_raising_and_the_handlers_come_back():
    before_handler = signal.getsignal(signal.SIGINT)
    session = Recorder()
    with SigintWatch(session) as watch:
        assert signal.getsignal(signal.SIGINT) is not before_handler
        os.kill(os.getpid(), signal.SIGINT)
        assert wait_for(lambda: session.calls >= 1)
    assert watch.hit
    assert signal.getsignal(signal.SIGINT) is before_handler
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    assert fd == -1  # pytest sets none; the watch put that back


def test_the_watcher_thread_stops_a_guest_that_never_returns_to_python():
    session = Session()
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    with SigintWatch(session):
        result = session.run(watguests.SPIN, timeout=10)
    assert result.interrupted and result.duration_s < 1.5


def test_while_waiting_for_input_sigint_raises():
    session = Recorder()
    with SigintWatch(session) as watch:
        with pytest.raises(KeyboardInterrupt):
            with watch.waiting_for_input():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(2)
    assert session.calls >= 1


def test_other_signals_reach_the_wakeup_descriptor_that_was_there():
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous_usr1 = signal.signal(signal.SIGUSR1, lambda *a: None)
    old = signal.set_wakeup_fd(writer.fileno())
    try:
        with SigintWatch(Recorder()):
            os.kill(os.getpid(), signal.SIGUSR1)
            reader.settimeout(2)
            assert reader.recv(8) == bytes([signal.SIGUSR1])
    finally:
        signal.set_wakeup_fd(old)
        signal.signal(signal.SIGUSR1, previous_usr1)
        reader.close()
        writer.close()


def test_off_the_main_thread_it_does_nothing():
    handler = signal.getsignal(signal.SIGINT)
    seen = []

    def worker():
        with SigintWatch(Recorder()):
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [handler]

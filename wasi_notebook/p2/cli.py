"""wasi:cli: arguments, environment, exit, the standard streams, and the terminal interfaces
(a notebook's streams are never terminals)."""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx
from .resources import ResourceTable, SinkStream, StdinStream

__all__ = ["CliHost", "GuestExit"]


class GuestExit(Exception):
    """wasi:cli/exit.exit was called: the run ends with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(f"exit {code}")
        self.code = code


class CliHost:
    ctx: WasiCtx
    table: ResourceTable

    def cli_interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "wasi:cli/environment": {
                "get-arguments": self.get_arguments,
                "get-environment": self.get_environment,
                "initial-cwd": self.initial_cwd,
            },
            "wasi:cli/exit": {"exit": self.exit, "exit-with-code": self.exit_with_code},
            "wasi:cli/stdin": {"get-stdin": self.get_stdin},
            "wasi:cli/stdout": {"get-stdout": self.get_stdout},
            "wasi:cli/stderr": {"get-stderr": self.get_stderr},
            "wasi:cli/terminal-input": {},
            "wasi:cli/terminal-output": {},
            "wasi:cli/terminal-stdin": {"get-terminal-stdin": self.no_terminal},
            "wasi:cli/terminal-stdout": {"get-terminal-stdout": self.no_terminal},
            "wasi:cli/terminal-stderr": {"get-terminal-stderr": self.no_terminal},
        }

    def get_arguments(self) -> list[str]:
        """argv, the guest's name first."""
        return list(self.ctx.args)

    def get_environment(self) -> list[tuple[str, str]]:
        return list(self.ctx.env.items())

    def initial_cwd(self) -> None:
        """None: the guest has preopens, no working directory."""
        return None

    def exit(self, status: Any) -> None:
        """Ends the run (GuestExit): 0 for ``ok``, 1 for ``err``."""
        raise GuestExit(0 if status.tag == "ok" else 1)

    def exit_with_code(self, code: int) -> None:
        """Ends the run (GuestExit) with ``code`` (the unstable cli-exit-with-code feature)."""
        raise GuestExit(code)

    def get_stdin(self) -> Any:
        return self.table.own(StdinStream(self.ctx.stdin))

    def get_stdout(self) -> Any:
        return self.table.own(SinkStream(self.ctx.stdout))

    def get_stderr(self) -> Any:
        return self.table.own(SinkStream(self.ctx.stderr))

    def no_terminal(self) -> None:
        """None: a notebook's streams are never terminals."""
        return None

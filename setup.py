"""The optional C part of wasi-notebook: hostcall's trampoline (wasi_notebook/_hostcall_c.c).

Everything else is declared in pyproject.toml. The extension is optional: without a C compiler
the build goes on without it, and hostcall uses its pure-Python (ctypes) callbacks instead.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("wasi_notebook._hostcall_c", ["wasi_notebook/_hostcall_c.c"], optional=True)])

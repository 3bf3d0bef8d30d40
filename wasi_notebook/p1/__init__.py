"""The preview1 (``wasi_snapshot_preview1``) ABI adapter.

Preview1 itself, taken from the witx: ``defs`` (constants, enums and flags), ``memory``
(checked access to guest memory), ``structs`` (struct codecs) and ``signatures`` (the 46
function signatures). The host functions that move values between guest memory and the
context live beside them.
"""

"""The preview1 (``wasi_snapshot_preview1``) ABI adapter.

``defs`` holds the constants, struct layouts and function signatures of preview1, taken from
the witx; the host functions that move values between guest memory and the context live
beside it.
"""

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p2.errors import ERROR_CODES, error_code

import pytest


def test_common_errnos_map_to_error_codes():
    assert error_code(WasiError(Errno.NOENT, "x")) == "no-entry"
    assert error_code(WasiError(Errno.ACCES)) == "access"
    assert error_code(WasiError(Errno.NOTDIR)) == "not-directory"
    assert error_code(WasiError(Errno.NOTCAPABLE)) == "not-permitted"


def test_error_codes_are_distinct_cases_of_the_wit_enum():
    # the 37 cases of wasi:filesystem/types.error-code in 0.2.x
    assert len(set(ERROR_CODES.values())) == 37


def test_an_errno_without_a_case_is_a_host_bug():
    with pytest.raises(LookupError, match="NOTSOCK"):
        error_code(WasiError(Errno.NOTSOCK))

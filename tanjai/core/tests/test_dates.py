from datetime import UTC, date, datetime

import pytest

from tanjai.core.dates import format_date


def test_thai_readers_get_the_buddhist_era_and_bangkok_time():
    at = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)  # 14:05 in Bangkok
    assert format_date(at) == "23 พ.ย. 2569 14:05"
    assert format_date(at, language="en") == "23 Nov 2026 14:05"
    assert format_date(date(2026, 4, 13), with_time=False) == "13 เม.ย. 2569"
    # Just before midnight UTC is the next day in Bangkok.
    assert format_date(datetime(2025, 12, 31, 17, 30, tzinfo=UTC)) == "1 ม.ค. 2569 00:30"
    assert format_date(None) == ""
    with pytest.raises(ValueError):
        format_date(datetime(2026, 1, 1))

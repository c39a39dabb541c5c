from datetime import date

import pytest

from tanjai.core.periods import PeriodError, period_parse


@pytest.mark.parametrize(
    "text, first, last, label",
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), "ต.ค. 2569"),
        ("2569-02", date(2026, 2, 1), date(2026, 2, 28), "ก.พ. 2569"),
        ("FY2569", date(2025, 10, 1), date(2026, 9, 30), "ปีงบประมาณ 2569"),
        ("FY2026", date(2025, 10, 1), date(2026, 9, 30), "ปีงบประมาณ 2569"),
        ("FY2569-Q1", date(2025, 10, 1), date(2025, 12, 31), "ไตรมาส 1 ปีงบประมาณ 2569"),
        ("fy2569-q2", date(2026, 1, 1), date(2026, 3, 31), "ไตรมาส 2 ปีงบประมาณ 2569"),
        ("FY2569-Q4", date(2026, 7, 1), date(2026, 9, 30), "ไตรมาส 4 ปีงบประมาณ 2569"),
        (
            "2026-10-01..2026-10-15",
            date(2026, 10, 1),
            date(2026, 10, 15),
            "1 ต.ค. 2569 – 15 ต.ค. 2569",
        ),
    ],
)
def test_periods_as_pwa_names_them(text, first, last, label):
    period = period_parse(text)
    assert (period.first, period.last, period.label) == (first, last, label)
    assert period.end.date() == date.fromordinal(last.toordinal() + 1)


def test_the_period_before():
    assert period_parse("2026-01").previous().code == "2025-12"
    assert period_parse("FY2569-Q1").previous().code == "FY2568-Q4"
    assert period_parse("FY2569").previous().code == "FY2568"
    assert period_parse("2026-10-11..2026-10-20").previous().code == "2026-10-01..2026-10-10"


@pytest.mark.parametrize(
    "text", ["2026-13", "FY2569-Q5", "last month", "2026-10-31..2026-10-01", ""]
)
def test_a_period_that_is_not_one_says_so(text):
    with pytest.raises(PeriodError):
        period_parse(text)

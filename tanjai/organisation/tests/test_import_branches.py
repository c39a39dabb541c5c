from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tanjai.organisation.models import Branch, Unit

pytestmark = pytest.mark.django_db

GOOD = """code,name_th,name_en,region,special,province_th,province_en,lat,lon
mueang-nan,กปภ.สาขาน่าน,PWA Nan Branch,9,0,น่าน,Nan,18.78,100.77
chonburi,กปภ.สาขาชลบุรี,PWA Chonburi Branch,1,1,ชลบุรี,Chonburi,13.3611,100.9847
"""


def test_the_seed_has_every_region_and_the_22_branches_of_region_1():
    assert Branch.objects.filter(region__number=1).count() == 22
    assert set(Branch.objects.values_list("region__number", flat=True)) == set(range(1, 11))
    assert Unit.objects.filter(kind="centre").count() == Branch.objects.count()


def test_import_twice_changes_nothing_the_second_time(tmp_path, capsys):
    path = tmp_path / "branches.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_branches", str(path))
    first = capsys.readouterr().out
    assert "1 created" in first
    nan = Branch.objects.get(code="mueang-nan")
    assert nan.region.number == 9 and Unit.objects.filter(branch=nan, kind="centre").exists()
    call_command("import_branches", str(path))
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_a_bad_file_is_refused_whole_with_reasons(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "Bad Code,ชื่อ,,11,0,,,,\nmueang-nan,,dup,9,0,,,95.0,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_branches", str(path))
    err = capsys.readouterr().err
    assert "line 4" in err and "region '11'" in err
    assert (
        "line 5" in err and "repeats line 2" in err and "name_th is empty" in err and "lat" in err
    )
    assert not Branch.objects.filter(code="mueang-nan").exists()
    path.write_text("code,name\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_branches", str(path))
    assert "missing columns" in capsys.readouterr().err

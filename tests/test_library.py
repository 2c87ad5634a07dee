"""The model library: list, rename, delete, export and import, and atomic writes."""
from __future__ import annotations

import json
import os
import zipfile

import pytest

from engine import library
from engine.atomic import atomic_dir, atomic_file
from engine.errors import ModelLoadError


def test_rename_delete_export_import_round_trip(tiny_model, tmp_path):
    assert [m.name for m in library.list_models()] == [tiny_model]
    renamed = library.rename_model(tiny_model, "春季上新")
    assert renamed.meta["name"] == "春季上新" and not library.exists(tiny_model)

    archive = library.export_model("春季上新", tmp_path / "m.zip")
    with zipfile.ZipFile(archive) as zf:
        assert "春季上新/wenan.json" in zf.namelist()
    library.delete_model("春季上新")
    assert library.list_models() == []

    imported = library.import_model(archive, name="restored")
    assert imported.meta["name"] == "restored"
    assert (imported.path / "model.safetensors").stat().st_size > 0
    from engine.generate import GenerateConfig, generate
    assert generate("restored", GenerateConfig(prompt="青禾", n=1, max_new_tokens=5, seed=1)).variants


def test_name_clashes_and_bad_names(tiny_model):
    with pytest.raises(ModelLoadError) as err:
        library.rename_model(tiny_model, tiny_model)
    assert err.value.key == "model_exists"
    for bad in ("../escape", "", "a/b", ".hidden"):
        with pytest.raises(ModelLoadError):
            library.check_name(bad)
    with pytest.raises(ModelLoadError) as err:
        library.get_model("nope")
    assert "nope" in str(err.value)


def test_hostile_or_foreign_zips_are_refused(tmp_path):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("m/wenan.json", json.dumps({"name": "m"}))
        zf.writestr("m/../../evil.txt", "x")
    with pytest.raises(ModelLoadError):
        library.import_model(slip)
    assert not (tmp_path / "evil.txt").exists()

    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    with pytest.raises(ModelLoadError) as err:
        library.import_model(not_zip)
    assert err.value.key == "model_zip_invalid"
    assert library.list_models() == []


def test_half_written_folders_are_never_listed(tiny_model, wenan_home):
    models = wenan_home / "models"
    (models / ".tmp-crashed-abc").mkdir()
    (models / ".tmp-crashed-abc" / "wenan.json").write_text("{}")
    (models / ".tmp-saving-now").mkdir()
    os.utime(models / ".tmp-crashed-abc", (1, 1))  # left by a crash long ago
    (models / "not-a-model").mkdir()
    assert [m.name for m in library.list_models()] == [tiny_model]
    assert not (models / ".tmp-crashed-abc").exists()  # cleaned up
    assert (models / ".tmp-saving-now").exists()  # a training may be writing it right now


def test_atomic_file_keeps_old_content_when_writing_fails(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_file(target, "w") as fh:
            fh.write("new half")
            raise RuntimeError("disk pulled")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_dir_appears_whole_or_not_at_all(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "model") as tmp:
            (tmp / "a").write_text("1")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    with atomic_dir(tmp_path / "model") as tmp:
        (tmp / "a").write_text("1")
    assert (tmp_path / "model" / "a").read_text() == "1"

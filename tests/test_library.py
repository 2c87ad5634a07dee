"""The model library: list, rename, delete, export and import, and atomic writes."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
from conftest import ROOT, subprocess_env

from engine.common import ModelLoadError, WenanError, atomic_dir, atomic_file
from engine.models import library


def test_rename_delete_export_import_round_trip(tiny_model, tmp_path):
    assert [m.name for m in library.list_models()] == [tiny_model]
    renamed = library.rename_model(tiny_model, "春季上新")
    assert renamed.card.name == "春季上新" and not library.exists(tiny_model)

    archive = library.export_model("春季上新", tmp_path / "m.zip")
    with zipfile.ZipFile(archive) as zf:
        assert "春季上新/wenan.json" in zf.namelist()
    library.delete_model("春季上新")
    assert library.list_models() == []

    imported = library.import_model(archive, name="restored")
    assert imported.card.name == "restored"
    assert (imported.path / "model.safetensors").stat().st_size > 0
    from engine.writing import GenerateConfig, generate
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


META = {"name": "m", "created_at": "2024-05-01T08:00:00+00:00", "method": "full", "format": "text"}


def _zip(path, files: dict, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _snapshot(home):
    return sorted(str(p.relative_to(home)) for p in (home / "models").rglob("*"))


def test_hostile_or_foreign_zips_are_refused(tiny_model, wenan_home, tmp_path):
    weights = {"m/model.safetensors": b"weights"}
    good_meta = {"m/wenan.json": json.dumps(META)}
    cases = [  # (zip members, error key, text the message must show)
        ({"m/wenan.json": json.dumps(META), **weights, "m/../../evil.txt": "x"}, "model_zip_unsafe", "evil.txt"),
        ({**good_meta, **weights, "/etc/evil.txt": "x"}, "model_zip_unsafe", "/etc/evil.txt"),
        ({**good_meta, **weights, "m\\..\\evil.txt": "x"}, "model_zip_unsafe", "evil.txt"),
        ({"m/wenan.json": "{not json", **weights}, "model_zip_meta_bad", "not valid JSON"),
        ({"m/wenan.json": b"\xff\xfe{}", **weights}, "model_zip_meta_bad", "not valid JSON"),
        ({"m/wenan.json": "[1, 2]", **weights}, "model_zip_meta_bad", "not a JSON object"),
        ({"m/wenan.json": "{}", **weights}, "model_zip_meta_bad", "created_at, method"),
        ({"m/wenan.json": json.dumps(dict(META, method="lora")), **weights}, "model_zip_meta_bad", "base.path"),
        ({"outer/m/wenan.json": json.dumps(META), "outer/m/model.safetensors": b"w"}, "model_zip_layout",
         "outer/m/wenan.json"),
        ({"wenan.json": json.dumps(META), "model.safetensors": b"w"}, "model_zip_layout", "one folder"),
        ({**good_meta, **weights, "other/readme.txt": "x"}, "model_zip_layout", "Export"),
        ({"m/config.json": "{}", **weights}, "model_zip_no_meta", "no wenan.json"),
        ({}, "model_zip_no_meta", "Export"),
        (good_meta, "model_zip_no_weights", "Export the model again"),
        ({**good_meta, **weights, "m/a": "file", "m/a/b": "file below it"}, "model_zip_damaged", "m/a/b"),
    ]
    before = _snapshot(wenan_home)
    for i, (files, key, needle) in enumerate(cases):
        archive = _zip(tmp_path / f"case{i}.zip", files)
        with pytest.raises(ModelLoadError) as err:
            library.import_model(archive)
        assert (err.value.key, needle in str(err.value)) == (key, True), (i, str(err.value))
        assert _snapshot(wenan_home) == before, i  # nothing half-written, nothing lost
    assert not (tmp_path / "evil.txt").exists() and not (wenan_home / "evil.txt").exists()

    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    with pytest.raises(ModelLoadError) as err:
        library.import_model(not_zip)
    assert err.value.key == "model_zip_invalid"
    assert _snapshot(wenan_home) == before


def test_a_zip_with_a_corrupt_member_leaves_the_library_unchanged(tiny_model, wenan_home, tmp_path):
    archive = _zip(tmp_path / "m.zip", {"m/wenan.json": json.dumps(META), "m/model.safetensors": b"W" * 4096},
                   method=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    data[data.index(b"W" * 4096) + 100] = ord("X")  # what a bad download or copy does: a checksum mismatch
    archive.write_bytes(bytes(data))
    before = _snapshot(wenan_home)
    with pytest.raises(ModelLoadError) as err:
        library.import_model(archive)
    assert err.value.key == "model_zip_damaged" and "Copy the archive again" in str(err.value)
    assert _snapshot(wenan_home) == before
    assert [m.name for m in library.list_models()] == [tiny_model]


def test_a_bad_zip_on_the_command_line_is_one_line(wenan_home, tmp_path):
    archive = _zip(tmp_path / "list.zip", {"m/wenan.json": "[]", "m/model.safetensors": b"w"})
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "models", "import", str(archive)],
                          capture_output=True, text=True, timeout=120, env=subprocess_env(wenan_home), cwd=ROOT)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "not a JSON object" in lines[0], proc.stderr


def test_names_from_the_user_never_reach_outside_the_library(tiny_model, wenan_home, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(wenan_home / "models" / tiny_model, outside)
    inside = str(wenan_home / "models" / tiny_model)
    for name in (str(outside), inside, f"../models/{tiny_model}", "..", ".", "", ".tmp-x", f"{tiny_model}/"):
        assert not library.exists(name)
        for action in (library.get_model, library.delete_model, lambda n: library.rename_model(n, "moved")):
            with pytest.raises(ModelLoadError) as err:
                action(name)
            assert err.value.key == "model_unknown", name
    assert (outside / "wenan.json").is_file() and (outside / "model.safetensors").is_file()
    assert [m.name for m in library.list_models()] == [tiny_model]

    for bad in ("../escape", str(tmp_path / "elsewhere"), ".hidden", "a/b"):
        with pytest.raises(ModelLoadError) as err:
            library.rename_model(tiny_model, bad)
        assert err.value.key == "model_name_invalid"
    assert not (tmp_path / "elsewhere").exists() and not (wenan_home / "escape").exists()
    assert library.exists(tiny_model)


def test_delete_with_leftovers_from_an_interrupted_delete(tiny_model, wenan_home):
    models = wenan_home / "models"
    (models / f".tmp-delete-{tiny_model}" / "sub").mkdir(parents=True)  # an older version, killed midway
    (models / f".tmp-delete-{tiny_model}" / "wenan.json").write_text(json.dumps(META))
    killed = models / ".tmp-.delete-abc"  # this version, killed midway an hour ago
    shutil.copytree(models / tiny_model, killed / tiny_model)
    os.utime(killed, (time.time() - 3600,) * 2)
    with pytest.raises(ModelLoadError):
        library.get_model(f".tmp-delete-{tiny_model}")
    assert [m.name for m in library.list_models()] == [tiny_model]  # half-deleted ones are never listed

    library.delete_model(tiny_model)
    assert library.list_models() == [] and not library.exists(tiny_model)
    assert not killed.exists()  # cleaned up
    assert not any(p.name.startswith(".tmp-.delete-") for p in models.iterdir())


def test_deleting_a_path_on_the_command_line_is_one_line(tiny_model, wenan_home, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(wenan_home / "models" / tiny_model, outside)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "models", "delete", str(outside)],
                          capture_output=True, text=True, timeout=120, env=subprocess_env(wenan_home), cwd=ROOT)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "no model named" in lines[0], proc.stderr
    assert (outside / "wenan.json").is_file()


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


def test_the_windows_listing_reads_only_and_skips_foreign_metadata(tiny_model, wenan_home):
    from ui.model_list import list_library

    models = wenan_home / "models"
    (models / ".tmp-crashed-abc").mkdir()
    os.utime(models / ".tmp-crashed-abc", (1, 1))
    for name, meta in (("listed", "[1, 2]"), ("numbered", '{"created_at": 5, "method": "full"}')):
        (models / name).mkdir()
        (models / name / "wenan.json").write_text(meta, encoding="utf-8")
    names = [m.name for m in list_library()]
    assert sorted(names) == sorted([tiny_model, "numbered"])  # a list is not metadata; a number still sorts
    assert (models / ".tmp-crashed-abc").exists()  # the window's listing never deletes
    assert [m.name for m in library.list_models()] == names  # same models, same order as the engine's


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


def test_atomic_dir_reports_only_real_write_problems(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(FileNotFoundError):  # the caller's own bug, not "cannot write"
        with atomic_dir(tmp_path / "model") as tmp:
            (tmp / "missing.json").read_text()
    with pytest.raises(WenanError) as err:
        with atomic_dir(tmp_path / "model") as tmp:
            raise OSError(errno.ENOSPC, "No space left on device")
    assert err.value.key == "no_space"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WenanError) as err:
        with atomic_dir(blocker / "model"):
            pass
    assert err.value.key == "not_writable" and str(blocker) in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no temp folders left

"""The user's cache of validated --kb combinations (lmsrx.kbcache)."""
import json
import os
import stat

import pytest

from lmsrx import kb as kbmod
from lmsrx import kbcache
from lmsrx.errors import KnowledgeError

OVERLAY = "references:\n  extra-ref: {kind: article, verified: partial, title: An extra record}\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LMSRX_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def overlay(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    return path


def _count_validations(monkeypatch):
    calls = []
    real = kbmod._load
    monkeypatch.setattr(kbmod, "_load", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_validated_combination_is_reused_and_equal(cache, overlay, monkeypatch):
    calls = _count_validations(monkeypatch)
    first = kbmod.load([str(overlay)])
    second = kbmod.load([str(overlay)])
    assert calls == [1]  # the second load parsed and validated nothing
    assert first == second and first.origin == second.origin and first.sha256 == second.sha256
    assert second.origin[("references", "extra-ref")] == str(overlay)
    (entry,) = cache.glob("kb-*.json")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_a_changed_file_is_validated_again(cache, overlay, monkeypatch):
    kbmod.load([str(overlay)])
    overlay.write_text(OVERLAY.replace("partial", "sometimes"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        kbmod.load([str(overlay)])
    problem = info.value.problems[0]
    assert (problem.path, problem.line) == (str(overlay), 2)


@pytest.mark.parametrize("damage", ["garbage", "foreign code", "group-writable", "other sha"])
def test_a_damaged_or_foreign_cache_entry_is_ignored(cache, overlay, monkeypatch, damage):
    kbmod.load([str(overlay)])
    (entry,) = cache.glob("kb-*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    if damage == "garbage":
        entry.write_text('{"format": 1, "drugs": [', encoding="utf-8")
    elif damage == "foreign code":
        entry.write_text(json.dumps({**data, "code": "lmsrx 0.0.0"}), encoding="utf-8")
    elif damage == "group-writable":
        os.chmod(entry, 0o664)
    else:
        entry.write_text(json.dumps({**data, "builtin_sha256": "0" * 64}), encoding="utf-8")
    calls = _count_validations(monkeypatch)
    again = kbmod.load([str(overlay)])
    assert calls == [1] and ("references", "extra-ref") in again.origin


def test_kb_check_never_reads_the_cache(cache, overlay, monkeypatch):
    kbmod.load([str(overlay)])
    calls = _count_validations(monkeypatch)
    kbmod.load([str(overlay)], compiled=False)
    assert calls == [1]


def test_the_cache_can_be_turned_off_and_a_read_only_place_costs_nothing(tmp_path, overlay, monkeypatch):
    monkeypatch.setenv("LMSRX_CACHE_DIR", "")
    kbmod.load([str(overlay)])
    assert kbcache.directory() is None
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("LMSRX_CACHE_DIR", str(blocked / "cache"))
    assert ("references", "extra-ref") in kbmod.load([str(overlay)]).origin  # the write failed quietly


def test_where_the_cache_lives(monkeypatch, tmp_path):
    monkeypatch.delenv("LMSRX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert kbcache.directory() == tmp_path / "xdg" / "lmsrx"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    assert kbcache.directory() == kbcache.Path.home() / ".cache" / "lmsrx"


def test_only_the_newest_combinations_are_kept(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(kbcache, "KEEP", 2)
    for i in range(4):
        path = tmp_path / f"extra{i}.yaml"
        path.write_text(OVERLAY.replace("extra-ref", f"extra-ref-{i}"), encoding="utf-8")
        kbmod.load([str(path)])
    assert len(list(cache.glob("kb-*.json"))) == 2


def test_the_cli_gives_the_same_answer_from_the_cache(run, cache, overlay):
    args = ("--kb", str(overlay), "options", "--line", "2", "--json")
    first, second = run(*args), run(*args)
    assert first.exit_code == second.exit_code == 0 and first.stdout == second.stdout
    assert list(cache.glob("kb-*.json"))

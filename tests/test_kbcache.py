"""The user's cache of validated --kb combinations (lmsrx.kbcache)."""
import json
import os
import stat
from pathlib import Path

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


@pytest.mark.parametrize("damage", ["garbage", "foreign code", "group-writable", "no sha", "other key", "open folder",
                                    "cut short", "damaged section", "longer"])
def test_a_damaged_or_foreign_cache_entry_is_ignored(cache, overlay, monkeypatch, damage):
    kbmod.load([str(overlay)])
    (entry,) = cache.glob("kb-*.json")
    first, _, body = entry.read_bytes().partition(b"\n")
    data = json.loads(first)

    def write(header, rest=body):
        entry.write_bytes(json.dumps(header).encode() + b"\n" + rest)

    if damage == "garbage":
        entry.write_text('{"format": 1, "drugs": [', encoding="utf-8")
    elif damage == "foreign code":
        write({**data, "code": "lmsrx 0.0.0"})
    elif damage == "group-writable":
        os.chmod(entry, 0o664)
    elif damage == "no sha":  # (the key covers every file's name and content: the digest stored is theirs)
        write({k: v for k, v in data.items() if k != "builtin_sha256"})
    elif damage == "other key":
        write({**data, "cache_key": "0" * 64})
    elif damage == "cut short":
        write(data, body[:-10])
    elif damage == "longer":
        write(data, body + b" ")
    elif damage == "damaged section":  # still the right size: noticed only when the records are read
        start, end = data["sections"]["references"]
        write(data, body[:start] + b"{" * (end - start) + body[end:])
    else:
        os.chmod(cache, 0o770)  # a folder others may write to is not used at all
    calls = _count_validations(monkeypatch)
    again = kbmod.load([str(overlay)])
    assert ("references", "extra-ref") in again.origin and calls == [1]
    assert again == kbmod.load([str(overlay)], compiled=False)


def test_a_cached_base_reads_only_what_is_used(cache, overlay, monkeypatch):
    from lmsrx import views

    kbmod.load([str(overlay)])
    calls = _count_validations(monkeypatch)
    again = kbmod.load([str(overlay)])
    info = views.kb_info(again).data
    assert calls == [] and not {"references", "drugs", "evidence", "regimens"} & set(vars(again))
    assert info == views.kb_info(kbmod.load([str(overlay)], compiled=False)).data
    assert again.find_drug("doxil") is not None and "evidence" not in vars(again)


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
    monkeypatch.setenv("LMSRX_CACHE_DIR", "relative/cache")  # would scatter caches wherever lmsrx runs: off
    assert kbcache.directory() is None
    monkeypatch.delenv("LMSRX_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert kbcache.directory() == str(tmp_path / "xdg" / "lmsrx")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    assert kbcache.directory() == str(Path.home() / ".cache" / "lmsrx")


def test_no_home_means_no_cache_not_a_crash(monkeypatch, overlay):
    monkeypatch.delenv("LMSRX_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    monkeypatch.setattr(kbcache.os.path, "expanduser", lambda path: path)  # what it does with no HOME and no passwd
    assert kbcache.directory() is None
    assert ("references", "extra-ref") in kbmod.load([str(overlay)]).origin


def test_one_file_cannot_pose_as_two(cache, tmp_path):
    """The key frames each file: a file holding 'A NUL name NUL B' is not the pair (A, B)."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(OVERLAY, encoding="utf-8")
    second.write_text(OVERLAY.replace("extra-ref", "other-ref"), encoding="utf-8")
    kbmod.load([str(first), str(second)])
    posing = tmp_path / "posing" / "a.yaml"
    posing.parent.mkdir()
    posing.write_bytes(first.read_bytes() + b"\0" + str(second).encode() + b"\0" + second.read_bytes())
    with pytest.raises(KnowledgeError):
        kbmod.load([str(posing)])


def test_a_user_folder_named_knowledge_is_still_extra(cache, tmp_path, monkeypatch, run):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "x.yaml").write_text(OVERLAY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # cold, then from the cache
        info = json.loads(run("--kb", "knowledge/x.yaml", "kb", "info", "--json").stdout)
        assert info["extra_files"] == ["knowledge/x.yaml"]
    (tmp_path / "x.yaml").write_text(OVERLAY, encoding="utf-8")  # the same bytes under another name
    info = json.loads(run("--kb", "x.yaml", "kb", "info", "--json").stdout)
    assert info["extra_files"] == ["x.yaml"]


def test_only_the_most_recently_used_combinations_are_kept(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(kbcache, "KEEP", 2)
    cache.mkdir(mode=0o700)
    (cache / "kb-dangling.json").symlink_to(tmp_path / "nowhere")  # odd entries do not stop pruning
    (cache / "kb-folder.json").mkdir()
    a, b, c = (tmp_path / f"{name}.yaml" for name in "abc")
    for i, path in enumerate((a, b, c)):
        path.write_text(OVERLAY.replace("extra-ref", f"extra-ref-{i}"), encoding="utf-8")
    kbmod.load([str(a)])
    kbmod.load([str(b)])
    for when, entry in ((1, a), (2, b)):  # both long unused, a the longest...
        (hit,) = [p for p in cache.glob("kb-*.json") if p.is_file() and not p.is_symlink()
                  and str(entry) in p.read_text(encoding="utf-8")]
        os.utime(hit, (when, when))
    kbmod.load([str(a)])  # ...until a is used again
    kbmod.load([str(c)])  # a third entry: the least recently used (b) goes
    regular = [p for p in cache.glob("kb-*.json") if p.is_file() and not p.is_symlink()]
    assert len(regular) == 2 and not any(str(b) in p.read_text(encoding="utf-8") for p in regular)


def test_the_cli_gives_the_same_answer_from_the_cache(run, cache, overlay):
    args = ("--kb", str(overlay), "options", "--line", "2", "--json")
    first, second = run(*args), run(*args)
    assert first.exit_code == second.exit_code == 0 and first.stdout == second.stdout
    assert list(cache.glob("kb-*.json"))

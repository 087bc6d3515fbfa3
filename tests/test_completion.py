"""The quick bash completion in lmsrx.launch answers exactly as the full CLI (Typer) does."""
import os
import subprocess
import sys

import pytest

from lmsrx import launch

CASES = [("drug", "ifo"), ("drug", "d"), ("drug", ""), ("dose", "pld"), ("dose", "zzz"), ("trial", "pa"), ("cite", ""),
         ("cite", "mangla")]


def _env(words: str, cword: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_LMSRX")}
    return {**env, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}


@pytest.mark.parametrize(("command", "incomplete"), CASES)
def test_quick_completion_equals_the_full_cli(command, incomplete):
    env = _env(f"lmsrx {command} {incomplete}", 2)
    quick = launch.quick_completion(env)
    assert quick is not None
    full = subprocess.run([sys.executable, "-c", "from lmsrx.cli import entry; entry()"], env=env,
                          capture_output=True, text=True, check=False).stdout
    assert quick == full


@pytest.mark.parametrize("words", ["lmsrx drug --fo", "lmsrx options --prior d", "lmsrx drug DOX", "lmsrx drug 'd",
                                   "lmsrx --kb x.yaml drug d", "lmsrx drug ifosfamide x", "'lmsrx drug ifo",
                                   '"lmsrx drug ifo', "lmsrx\\ drug ifo", "lmsrx\tx drug ifo", " drug ifo",
                                   "lmsrx drug ifo\n", "lmsrx drug \nifo", "lmsrx drug ifo\r"])
def test_anything_else_goes_to_the_full_cli(words):
    assert launch.quick_completion(_env(words, 2)) is None
    assert launch.quick_completion({"COMP_WORDS": "lmsrx drug d", "COMP_CWORD": "2"}) is None  # not completing
    assert launch.quick_completion(_env("lmsrx drug d", "x")) is None  # type: ignore[arg-type]


def test_the_compiled_names_are_used_only_when_fresh():
    from lmsrx import files

    assert files.compiled_data() is not None  # the shipped compiled base matches the YAML
    assert "ifosfamide" in files.quick_names("drugs") and "doxil" in files.quick_names("drugs")


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full", ">&- 2>&-", ">/dev/full 2>&-"])
def test_a_quick_answer_that_cannot_be_written_exits_like_the_full_cli(redirect):
    if "/dev/full" in redirect and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    for env in (_env("lmsrx drug ifo", 2), {k: v for k, v in os.environ.items() if not k.startswith("_LMSRX")}):
        args = "" if "_LMSRX_COMPLETE" in env else " --version"
        seen = []
        for module in ("lmsrx.launch", "lmsrx.cli"):  # the quick answer, then the full CLI's
            done = subprocess.run(f"{sys.executable} -c 'from {module} import entry; entry()'{args} {redirect}",
                                  shell=True, env=env, stderr=subprocess.PIPE, text=True, check=False)
            assert done.returncode == 74 and "Traceback" not in done.stderr, (module, done.stderr)
            seen.append(done.stderr)
        assert seen[0] == seen[1] and ("2>&-" in redirect or "output" in seen[0])

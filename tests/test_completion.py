"""Shell completion, answered by Typer from the built-in base: drug names, brands and aliases, classes, trial and
reference ids; a completion that cannot be written exits 74 with no traceback."""
import os
import subprocess
import sys

import pytest


def _env(words: str, cword: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_LMSRX")}
    return {**env, "_LMSRX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}


def _complete(words: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "lmsrx"], env=_env(words, words.count(" ")), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(("words", "expected", "absent"), [
    ("lmsrx drug ifo", {"ifosfamide"}, set()),
    ("lmsrx drug dox", {"doxil", "doxorubicin"}, set()),
    ("lmsrx dose pl", {"pld"}, set()),
    ("lmsrx trial pa", {"palette"}, set()),
    ("lmsrx options --prior anth", {"anthracycline"}, set()),
    ("lmsrx options --exclude alk", {"alkylating-agent"}, set()),
    ("lmsrx options --prior n", {"none", "nivolumab"}, set()),
    ("lmsrx drugs --class ant", {"anthracycline", "anthracenedione", "anti-pdgfra-antibody"}, set()),
    ("lmsrx dose zzz", set(), {"doxorubicin"}),
    ("lmsrx drug", {"drug", "drugs"}, set()),  # completing a command's name: every command is built
    ("lmsrx dr", {"drug", "drugs"}, {"dose"}),
    ("lmsrx k", {"kb"}, set()),
    ("lmsrx kb i", {"info"}, set()),
    ("lmsrx --kb drug options --prior dox", {"doxorubicin"}, set()),  # a command's name as another's value
    ("lmsrx trials --grade a", {"a1"}, {"B3", "b3"}),  # matched whatever the case typed, in that case
    ("lmsrx trials --grade B", {"B1", "B3"}, {"A1"}),
])
def test_completion_of_names(words, expected, absent):
    got = set(_complete(words))
    assert expected <= got and not absent & got, got


@pytest.mark.parametrize(("line", "expected"), [("drug", []), ("drug dox", ["drug"]), ("drug dox ", ["drug", "dox"]),
                                                ("", [])])
def test_the_finished_words_of_a_completion(line, expected):
    from lmsrx.cli.console import _complete_words

    assert _complete_words({"_TYPER_COMPLETE_ARGS": line}) == expected
    words = line.split()
    assert _complete_words({"COMP_WORDS": line, "COMP_CWORD": str(len(words) - (not line.endswith(" ")))}) == expected


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full", ">&- 2>&-", ">/dev/full 2>&-"])
def test_an_answer_that_cannot_be_written_exits_74(redirect):
    if "/dev/full" in redirect and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    for env, args in ((_env("lmsrx drug ifo", 2), ""), ({k: v for k, v in os.environ.items() if not k.startswith("_LMSRX")},
                                                          " --version")):
        done = subprocess.run(f"{sys.executable} -m lmsrx{args} {redirect}", shell=True, env=env, stderr=subprocess.PIPE,
                              text=True, check=False)
        assert done.returncode == 74 and "Traceback" not in done.stderr, done.stderr
        assert "2>&-" in redirect or "output" in done.stderr

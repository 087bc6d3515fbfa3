from lmsrx.cli import entry

entry()

from lmsrx.cli.console import entry

entry()

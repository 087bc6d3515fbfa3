from lmsrx.cli import main

main()

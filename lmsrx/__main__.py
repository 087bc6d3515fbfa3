from lmsrx.launch import entry

entry()

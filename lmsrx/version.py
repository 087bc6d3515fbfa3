"""The version of lmsrx (read by the build from here, and re-exported as ``lmsrx.__version__``)."""
__version__ = "0.1.0"

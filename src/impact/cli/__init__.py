"""The ``impact`` command line: thin wrappers that call the public API and print."""

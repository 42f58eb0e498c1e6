"""One module per survey tool, each defining the tool's :class:`~impact.ingest.adapters.Adapter`."""

"""The bad-input catalogue: one broken fixture per case, built from clean synthetic studies."""

"""The scope layer: variables, variable scopes, the variable store, templates."""

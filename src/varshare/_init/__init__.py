"""The initializer layer: initializers, partitioners, regularizers, and recipes."""

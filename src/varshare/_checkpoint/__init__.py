"""TF's TensorBundle checkpoint format (``PREFIX.index`` + ``PREFIX.data-*``) without TF.

One job per module: ``crc`` (crc32c and its masking), ``wire`` (protobuf varints and
fields), ``messages`` (the header and entry messages, dtype codes), ``ordered_code`` (the
keys of slices), ``table`` (the LevelDB-style table of the index), ``bundle`` (reading a
bundle, writing data shards and merging their entries into one index), ``slices``
(geometry of stored slices), ``state`` (the ``checkpoint`` file of a directory).
"""

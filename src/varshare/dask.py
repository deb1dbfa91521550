"""Dask arrays of initializers and of a graph's variables, the same bits for any chunking.

Needs ``pip install "varshare[dask]"``; ``import varshare`` never imports Dask.

>>> import varshare as vs
>>> init = vs.truncated_normal_initializer(stddev=0.02, seed=7)
>>> x = vs.dask.from_initializer(init, (10_000, 64), chunks=(1_000, 64))
>>> bool((x.compute() == init((10_000, 64), "float32")).all())
True

Every block is one task calling the initializer with ``partition_info`` for its
window (``map_blocks`` + ``block_info``), so a block is exactly its slice of the
in-memory array: the result does not depend on the chunks, the scheduler, the
number of workers or the machine.  The task graph holds only the initializer and
its seed draw, never data.  The same code runs on a cluster::

    from distributed import Client
    client = Client("tcp://scheduler:8786")   # becomes the default scheduler
    table = vs.dask.from_initializer(init, (10**9, 128), chunks=(2**20, 128))
    table.to_zarr("s3://bucket/table.zarr")   # or .store(...), .persist()

:func:`to_tf_checkpoint` writes such arrays as one TF checkpoint, each block by the worker
that computes it, so a table larger than any machine's memory can be saved by a cluster.

Each task uses one kernel thread by default (``threads=1``; Dask already runs a
task per core), through ``threadpoolctl`` when it is installed (``varshare[threads]``);
``distributed`` workers also start with ``OMP_NUM_THREADS=1``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from varshare._core.graph import Graph
from varshare._init.recipe import Recipe
from varshare._edges.checkpoint_names import VariableLike, by_name, full_value
from varshare._scope.variables import Variable

if TYPE_CHECKING:
    import dask.array

__all__ = ["from_initializer", "from_variable", "from_graph", "to_tf_checkpoint",
           "local_client"]

Chunks = Any  # anything dask.array.core.normalize_chunks accepts: "auto", (1000, 64), ...


def from_initializer(initializer: Callable, shape: Sequence[int], dtype: Any = "float32",
                     chunks: Chunks = "auto", *, name: str | None = None,
                     threads: int | None = 1) -> dask.array.Array:
    """A lazy Dask array equal to ``initializer(shape, dtype)``, block by block.

    Args:
      initializer: ``init(shape, dtype=None, partition_info=None)``; an unseeded one
        draws its seed now, once, so all blocks are windows of one array (a TF-mode
        one, which draws per call, is a ValueError).
      shape: of the whole array.
      dtype: of the whole array.
      chunks: block sizes in any form ``dask.array`` accepts ("auto", ``(1000, 64)``,
        explicit tuples per axis).
      name: prefix of the Dask keys (default ``"varshare-init"``).
      threads: kernel threads per task (None: the kernels' own default).
    """
    return _from_recipe(Recipe.of(initializer, shape, dtype), chunks, name, threads)


def from_variable(variable: VariableLike, chunks: Chunks = "auto", *,
                  threads: int | None = 1) -> dask.array.Array:
    """A Dask array of ``variable`` (whole if partitioned), recomputed from its initializer.

    A variable ``get_variable`` made from an initializer that takes ``partition_info``
    gives its *initial* value, computed lazily per block; any other variable wraps its
    current value (``da.from_array``).
    """
    [(name, parts)] = by_name([variable]).items()
    return _from_parts(name, parts, chunks, threads)


def from_graph(graph: Graph | None = None, scope: str | None = None, *,
               chunks: Chunks | dict[str, Chunks] = "auto", threads: int | None = 1
               ) -> dict[str, dask.array.Array]:
    """The global variables of ``graph`` whose names match ``scope``, as Dask arrays.

    Keys are checkpoint names (``scope/var``; a partitioned variable once, whole);
    values as :func:`from_variable`.  ``chunks`` applies to every variable (use a form
    that fits any rank: "auto", an int, "64MiB"), or is a dict by name ("auto" for names
    it lacks).  Compute them together (``dask.compute(arrays)``) or write them with
    ``dask.array.store``/``to_zarr``.
    """
    return {name: _from_parts(name, parts, chunks.get(name, "auto")
                              if isinstance(chunks, dict) else chunks, threads)
            for name, parts in by_name(graph=graph, scope=scope).items()}


def _from_parts(name: str, parts: list, chunks: Chunks, threads: int | None
                ) -> dask.array.Array:
    import dask.array as da

    recipe = _recipe_of(parts[0])
    if recipe is None:
        return da.from_array(full_value(parts), chunks=chunks, name=False)
    return _from_recipe(recipe, chunks, name, threads)


def _recipe_of(variable: Variable) -> Recipe | None:
    """The recipe of ``variable`` (of the whole, for a shard) if ``get_variable`` made it
    from an initializer that takes ``partition_info``; else None."""
    info = variable.initializer_info
    if info is None:
        return None
    full = variable.shape if info.partition_info is None else info.partition_info.full_shape
    return Recipe(info.initializer, full, variable.dtype, info.seeds)


def _from_recipe(recipe: Recipe, chunks: Chunks, name: str | None, threads: int | None
                 ) -> dask.array.Array:
    import dask.array as da
    from dask.base import tokenize

    chunks = da.core.normalize_chunks(chunks, recipe.shape, dtype=recipe.dtype)
    # A partial hides the recipe (a tuple holding a callable) from Dask's task parsing.
    block = functools.partial(_block, recipe, threads)
    return da.map_blocks(block, chunks=chunks, dtype=recipe.dtype,
                         meta=np.empty((0,) * len(recipe.shape), recipe.dtype),
                         name=f"{name or 'varshare-init'}-{tokenize(recipe, chunks)}")


def _block(recipe: Recipe, threads: int | None, block_info: dict) -> np.ndarray:
    info = block_info[None]        # map_blocks passes it: the block's place in the array
    with _thread_limit(threads):
        return recipe.window([lo for lo, _ in info["array-location"]], info["chunk-shape"])


def to_tf_checkpoint(prefix: str | os.PathLike, arrays: Mapping[str, dask.array.Array]) -> str:
    """Write ``{name: dask array}`` as one TF checkpoint ``prefix`` that TF (and
    :func:`varshare.train.load_checkpoint`) reads as whole variables.

    Each block becomes its own data file (``prefix.data-<k>-of-<n>``, a slice of the full
    tensor; an array of one block is stored whole), computed and written by the task, and
    so the worker, that computes it; only the blocks' index entries come back, and a last
    step writes the index from them, as TF's sharded ``Saver`` merges its bundles.  Memory
    on the client stays small whatever the arrays' sizes; on a cluster every worker needs
    the directory of ``prefix`` (a shared file system).  The files are written in a
    temporary directory beside ``prefix`` and moved into place when all are complete (the
    index last), so an error leaves no file behind.

    Args:
      prefix: the checkpoint's prefix (``dir/model.ckpt``); its directory must exist.
      arrays: checkpoint names (``scope/var``) to Dask arrays of a dtype TF checkpoints
        hold (float16, bfloat16, float32, float64, int32, int64, bool).

    Returns:
      ``prefix``, as a string.

    >>> import os, tempfile
    >>> import varshare as vs
    >>> init = vs.random_uniform_initializer(seed=3)
    >>> table = vs.dask.from_initializer(init, (1000, 8), chunks=(250, 8))
    >>> prefix = vs.dask.to_tf_checkpoint(os.path.join(tempfile.mkdtemp(), "t"), {"emb": table})
    >>> bool((vs.train.load_checkpoint(prefix).get_tensor("emb") == init((1000, 8))).all())
    True
    """
    import dask
    import dask.array as da
    from dask.base import is_dask_collection

    from varshare._checkpoint.bundle import data_path, index_path, merge_entries, write_index
    from varshare._checkpoint.messages import dtype_code

    prefix = os.fspath(prefix)
    if not os.path.isdir(os.path.dirname(os.path.abspath(prefix))):
        raise ValueError(f"the directory of the checkpoint prefix {prefix!r} does not exist")
    for name, array in arrays.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"checkpoint names must be non-empty strings, got {name!r}")
        if not is_dask_collection(array) or not hasattr(array, "chunks"):
            raise TypeError(f"{name!r} must be a dask array, got {type(array).__name__}")
        dtype_code(np.dtype(array.dtype))          # a ValueError for a dtype TF cannot hold
    arrays = dict(sorted(arrays.items()))
    firsts = np.cumsum([0] + [a.npartitions for a in arrays.values()]).tolist()
    num_shards = firsts.pop()
    # Blocks go to a fresh directory and move into place once all are written: a failed
    # run then leaves nothing, even if some of its tasks are still writing.
    staging = tempfile.mkdtemp(prefix=os.path.basename(prefix) + ".tmp-",
                               dir=os.path.dirname(os.path.abspath(prefix)))
    part = os.path.join(staging, "part")
    # One blockwise task per block writes it: Dask fuses it with the block's own task, so
    # the worker that computes a block writes it and frees it, and only entries come back.
    written = [da.map_blocks(
                   functools.partial(_write_block, part, first, num_shards, name,
                                     array.shape, array.npartitions == 1), array,
                   chunks=tuple((1,) * len(sizes) for sizes in array.chunks), dtype=object,
                   meta=np.empty((0,) * array.ndim, object))
               for (name, array), first in zip(arrays.items(), firsts)]
    try:
        entries = [e for blocks in dask.compute(*written) for e in np.ravel(blocks)]
        write_index(part, merge_entries(entries), num_shards)
        for shard_id in range(num_shards):
            os.replace(data_path(part, shard_id, num_shards), data_path(prefix, shard_id, num_shards))
        os.replace(index_path(part), index_path(prefix))       # last: the checkpoint exists
    finally:
        _remove_tree(staging)
    return prefix


def _remove_tree(path: str) -> None:
    """Remove ``path`` even while tasks of a failed run still create files in it (once
    it is gone, their files cannot be created)."""
    for _ in range(10):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return


def _write_block(prefix: str, first_shard: int, num_shards: int, name: str,
                 shape: tuple[int, ...], whole: bool, values: np.ndarray, block_info: dict
                 ) -> np.ndarray:
    """Write the block ``values`` of the tensor ``name`` of ``shape`` (of one block if
    ``whole``) as its own data file; its index entries, in a one-element object array
    (the block's place in ``map_blocks``' result)."""
    from varshare._checkpoint.bundle import ShardWriter

    info = block_info[0]
    shard_id = first_shard + int(np.ravel_multi_index(info["chunk-location"],
                                                      info["num-chunks"]))
    with ShardWriter(prefix, shard_id, num_shards) as writer:
        if whole:
            writer.add(name, values)
        else:
            writer.add_slice(name, shape, tuple(info["array-location"]), values)
    result = np.empty((1,) * values.ndim, object)
    result.flat[0] = writer.entries
    return result


def _thread_limit(threads: int | None) -> contextlib.AbstractContextManager:
    """Limit the OpenMP threads of the calling thread (a no-op without threadpoolctl)."""
    controller = _controller()
    if threads is None or controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=threads, user_api="openmp")


@functools.cache
def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


# Dask's own extra pins distributed to dask's release, so pip can only pick a working pair.
DISTRIBUTED_INSTALL = 'pip install "dask[array,distributed]"'


def _check_distributed_matches_dask() -> None:
    """Fail with one clear sentence, before importing it, if ``distributed`` cannot work.

    pip pairs a new ``dask`` with an old ``distributed`` whose pin is loose when the newest
    ``dask`` has no ``distributed`` of its own yet; that pair fails deep inside
    ``distributed``'s import.  Checked from the installed metadata, so nothing is imported.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        dask_version, distributed_version = version("dask"), version("distributed")
    except PackageNotFoundError as missing:
        raise ImportError(f"varshare.dask.local_client needs {missing.name}: "
                          f"{DISTRIBUTED_INSTALL}") from None
    if dask_version != distributed_version:
        raise ImportError(
            f"varshare.dask.local_client needs dask and distributed of the same release, but "
            f"dask {dask_version} is installed with distributed {distributed_version}; "
            f"{DISTRIBUTED_INSTALL} installs a matching pair")


@contextlib.contextmanager
def local_client(n_workers: int = 2, threads_per_worker: int = 1) -> Iterator[Any]:
    """A ``distributed.Client`` of a process-based ``LocalCluster``, for trying the cluster
    route on one machine.

    Starting workers sets ``OMP_NUM_THREADS=1`` (and MKL's, OpenBLAS's) in *this* process's
    environment for good; they are restored on exit, so later varshare calls here keep
    their threads.

    Raises:
      ImportError: ``distributed`` is missing, or its version is not ``dask``'s (each
        ``distributed`` release works only with the ``dask`` release of the same version).
    """
    _check_distributed_matches_dask()
    import distributed

    environ = dict(os.environ)
    try:
        with distributed.LocalCluster(processes=True, n_workers=n_workers,
                                      threads_per_worker=threads_per_worker,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            yield client
    finally:
        os.environ.clear()
        os.environ.update(environ)

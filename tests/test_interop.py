"""varshare.interop: name -> array dicts, zero-copy hand-off to torch and JAX."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

import varshare as vs


def _layer():
    with vs.variable_scope("dense"):
        kernel = vs.get_variable("kernel", [4, 3], initializer=vs.random_normal_initializer(seed=1))
        bias = vs.get_variable("bias", [3], initializer=vs.zeros_initializer())
    with vs.variable_scope("embed"):
        table = vs.get_variable("table", [10, 2], partitioner=vs.fixed_size_partitioner(3))
    return kernel, bias, table


def test_variables_dict_names_and_zero_copy():
    kernel, bias, table = _layer()
    arrays = vs.interop.variables_dict()
    assert sorted(arrays) == ["dense/bias", "dense/kernel", "embed/table"]
    assert arrays["dense/kernel"] is kernel.numpy()
    np.testing.assert_array_equal(arrays["embed/table"], np.asarray(table))
    assert sorted(vs.interop.variables_dict(scope="dense")) == ["dense/bias", "dense/kernel"]


def test_name_map_renames_and_drops():
    _layer()
    arrays = vs.interop.variables_dict(
        name_map=lambda n: None if n.startswith("embed") else n.replace("/", "."))
    assert sorted(arrays) == ["dense.bias", "dense.kernel"]
    with pytest.raises(ValueError, match="name_map maps two variables to 'x'"):
        vs.interop.variables_dict(name_map=lambda n: "x")


def test_to_torch_shares_memory_and_loads_a_module():
    torch = pytest.importorskip("torch")
    kernel, bias, _ = _layer()
    tensors = vs.interop.to_torch(vs.interop.variables_dict(scope="dense"))
    tensors["dense/bias"].add_(1.0)
    np.testing.assert_array_equal(bias.numpy(), np.ones(3, np.float32))
    module = torch.nn.Linear(4, 3)
    names = {"dense/kernel": "weight", "dense/bias": "bias"}
    state = vs.interop.to_torch(vs.interop.variables_dict(scope="dense", name_map=names.get))
    state["weight"] = state["weight"].T                 # TF kernels are (in, out)
    module.load_state_dict(state)
    np.testing.assert_array_equal(module.weight.detach().numpy().T, kernel.numpy())
    assert vs.interop.to_torch(kernel).data_ptr() == kernel.numpy().ctypes.data


def test_to_torch_refuses_read_only_arrays():
    pytest.importorskip("torch")
    value = np.zeros(3)
    value.flags.writeable = False
    with pytest.raises(ValueError, match="values must be writable"):
        vs.interop.to_torch(value)


_JAX_CHILD = """
import numpy as np
import varshare as vs

with vs.variable_scope("dense"):
    kernel = vs.get_variable("kernel", [4, 3], initializer=vs.random_normal_initializer(seed=1))
arrays = vs.interop.to_jax(vs.interop.variables_dict())
np.testing.assert_array_equal(np.asarray(arrays["dense/kernel"]), kernel.numpy())
buffer = np.zeros(64 + 16, np.float32)
start = (-buffer.ctypes.data % 64) // 4
aligned = buffer[start:start + 16]
assert vs.interop.to_jax(aligned).unsafe_buffer_pointer() == aligned.ctypes.data
"""


def test_to_jax_equal_values_shared_when_aligned():
    """In a child process: JAX's threads would make every later fork() of this one warn."""
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed")
    proc = subprocess.run([sys.executable, "-c", _JAX_CHILD], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr

"""Safe tensor readers: safetensors, torch .bin (tensors only, no pickle code), tf_model.h5, sharded.

Every reader returns `{transformers key: numpy array}`; none executes code from the file.
"""

import io
import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np


class CheckpointError(ValueError):
    """A weight file that cannot be read; the message names the file."""


# ------------------------------------------------------------------ safetensors
def read_safetensors(path):
    """All tensors of a `.safetensors` file."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return dict(load_file(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(f"{path} is not a readable safetensors file ({error}); "
                              "it may be truncated or corrupt") from None


# ------------------------------------------------------------------ torch .bin
_TORCH_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
    "BFloat16Storage": "bfloat16",
}


class _StorageType:
    def __init__(self, name):
        self.name = name
        dtype = _TORCH_STORAGE_DTYPES[name]
        if dtype == "bfloat16":
            import ml_dtypes

            dtype = ml_dtypes.bfloat16
        self.dtype = np.dtype(dtype)


def _rebuild_tensor(storage, offset, size, stride, *unused):
    """numpy twin of torch._utils._rebuild_tensor_v2: a strided view of the storage, copied."""
    if not size:
        return storage[offset:offset + 1].reshape(()).copy()
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=tuple(size), strides=tuple(s * itemsize for s in stride))
    return np.ascontiguousarray(view)


def _rebuild_parameter(data, *unused):
    return data


class _TensorUnpickler(pickle.Unpickler):
    """Unpickles a torch state dict into numpy arrays; any other class is refused."""

    def __init__(self, file, path, load_storage, rebuild=_rebuild_tensor):
        super().__init__(file)
        self.path = path
        self.load_storage = load_storage
        self.allowed = {
            ("collections", "OrderedDict"): OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2"): rebuild,
            ("torch._utils", "_rebuild_tensor"): rebuild,
            ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        }

    def find_class(self, module, name):
        if (module, name) in self.allowed:
            return self.allowed[(module, name)]
        if module == "torch" and name in _TORCH_STORAGE_DTYPES:
            return _StorageType(name)
        raise CheckpointError(f"{self.path}: refusing to unpickle {module}.{name}; only tensors "
                              "are read from pytorch_model.bin (no code is executed)")

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel[, view_metadata])
        if not isinstance(pid, tuple) or pid[0] != "storage":
            raise CheckpointError(f"{self.path}: unexpected persistent id {pid!r}")
        return self.load_storage(pid[1], str(pid[2]), int(pid[4]))


def read_torch_bin(path):
    """Tensors of a `torch.save`d state dict, zip (torch >= 1.6) or legacy format."""
    try:
        if zipfile.is_zipfile(path):
            return _read_torch_zip(path)
        return _read_torch_legacy(path)
    except CheckpointError:
        raise
    except Exception as error:
        raise CheckpointError(f"{path} is not a readable PyTorch checkpoint "
                              f"({type(error).__name__}: {error}); it may be truncated or "
                              "corrupt") from None


def _read_torch_zip(path):
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(f"{path}: expected one data.pkl in the archive")
        root = pickles[0][: -len("data.pkl")]

        def load_storage(storage_type, key, numel):
            raw = archive.read(f"{root}data/{key}")
            return np.frombuffer(raw, dtype=storage_type.dtype, count=numel)

        with archive.open(pickles[0]) as f:
            state = _TensorUnpickler(io.BytesIO(f.read()), path, load_storage).load()
    return _as_state_dict(state, path)


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def _read_torch_legacy(path):
    """The pre-1.6 format: magic, protocol, sys info, pickled object, keys, raw storages.

    The raw storages follow the pickle, so it is read twice: once to learn the
    storage types and reach the data, once more to build the arrays.
    """
    with open(path, "rb") as f:
        if pickle.load(f) != _LEGACY_MAGIC:  # plain ints and dicts: safe to unpickle
            raise CheckpointError(f"{path} is not a PyTorch checkpoint (bad magic number)")
        pickle.load(f)  # protocol version
        pickle.load(f)  # sys info
        start = f.tell()
        types = {}

        def record(storage_type, key, numel):
            types[key] = storage_type

        _TensorUnpickler(f, path, record, rebuild=lambda *args: None).load()
        keys = pickle.load(f)  # a list of str
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            nbytes = count * types[key].dtype.itemsize
            raw = f.read(nbytes)
            if len(raw) != nbytes:
                raise CheckpointError(f"{path} is truncated")
            storages[key] = np.frombuffer(raw, dtype=types[key].dtype)
        f.seek(start)
        state = _TensorUnpickler(f, path, lambda st, key, numel: storages[key]).load()
    return _as_state_dict(state, path)


def _as_state_dict(state, path):
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise CheckpointError(f"{path} does not hold a state dict")
    return dict(state)


# ------------------------------------------------------------------ tf_model.h5
_H5_LEAF = {"kernel": ("weight", True), "gamma": ("weight", False), "beta": ("bias", False),
            "embeddings": ("weight", False), "weight": ("weight", False), "bias": ("bias", False)}


def read_tf_h5(path):
    """Tensors of transformers' TF `tf_model.h5`, renamed and transposed to PyTorch keys.

    transformers saves `<layer>/<model scope>/<layer>/.../kernel:0`; the key is the
    path after the model scope with `_._` list separators turned into dots, and
    Keras kernels transposed to PyTorch's (out, in) layout.
    """
    import h5py

    tensors = {}
    try:
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if not isinstance(obj, h5py.Dataset):
                    return
                parts = name.split("/")[2:]  # drop the h5 layer group and the model scope
                leaf = parts[-1].split(":")[0]
                if leaf not in _H5_LEAF:
                    raise CheckpointError(f"{path}: unexpected weight {name}")
                new_leaf, transpose = _H5_LEAF[leaf]
                key = ".".join(parts[:-1] + [new_leaf]).replace("_._", ".")
                value = np.asarray(obj)
                tensors[key] = value.T if transpose else value
            f.visititems(visit)
    except CheckpointError:
        raise
    except Exception as error:
        raise CheckpointError(f"{path} is not a readable tf_model.h5 ({type(error).__name__}: "
                              f"{error}); it may be truncated or corrupt") from None
    return tensors


# ------------------------------------------------------------------ dispatch
_READERS = {".safetensors": read_safetensors, ".bin": read_torch_bin, ".h5": read_tf_h5}


def read_tensors(path):
    """Tensors of one weight file or a sharded index (`*.index.json`), by file name."""
    if path.endswith(".index.json"):
        return read_sharded(path)
    for suffix, reader in _READERS.items():
        if path.endswith(suffix):
            return reader(path)
    raise CheckpointError(f"{path}: unknown weight format (expected .safetensors, .bin, .h5 "
                          "or a .index.json of shards)")


def read_sharded(index_path):
    """Tensors of every shard listed in a transformers `*.index.json` weight map."""
    try:
        with open(index_path, encoding="utf-8") as f:
            weight_map = json.load(f)["weight_map"]
    except (OSError, ValueError, KeyError) as error:
        raise CheckpointError(f"{index_path} is not a valid shard index ({error})") from None
    folder = os.path.dirname(index_path)
    tensors = {}
    for shard in sorted(set(weight_map.values())):
        shard_path = os.path.join(folder, shard)
        if not os.path.isfile(shard_path):
            raise CheckpointError(f"{index_path} lists {shard}, which is missing")
        tensors.update(read_tensors(shard_path))
    missing = set(weight_map) - set(tensors)
    if missing:
        raise CheckpointError(f"{index_path}: shards lack {sorted(missing)[:5]}")
    return tensors

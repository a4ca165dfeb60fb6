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
from safetensors import SafetensorError
from safetensors.numpy import load_file


class CheckpointError(ValueError):
    """A weight file that cannot be read; the message names the file."""


# ------------------------------------------------------------------ safetensors
def read_safetensors(path):
    """All tensors of a `.safetensors` file."""
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
_MAX_PICKLE_BYTES = 256 << 20  # a state dict's pickle is kilobytes; its data lies beside it


class _StorageType:
    def __init__(self, name):
        self.name = name
        dtype = _TORCH_STORAGE_DTYPES[name]
        if dtype == "bfloat16":
            import ml_dtypes  # local: 0.5 s to import; only bfloat16 .bin files need it

            dtype = ml_dtypes.bfloat16
        self.dtype = np.dtype(dtype)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class _Refused:
    """Stands for a tensor whose layout was refused; the state dict check names its key."""

    def __init__(self, reason):
        self.reason = reason


def _rebuild_tensor(storage, offset, size, stride, *unused):
    """numpy twin of torch._utils._rebuild_tensor_v2: a strided view of the storage, copied.

    Offset, size and stride come from the file, so they are checked against the
    storage first: every element the view reads lies inside it, and a tensor has no
    more elements than its storage (no stride-0 expansion into a huge array). A
    refused layout makes no view: it becomes a `_Refused`, reported with its key.
    """
    try:
        size, stride = tuple(size), tuple(stride)
    except TypeError:
        return _Refused(f"has an invalid layout (size {size!r}, stride {stride!r})")
    if not isinstance(storage, np.ndarray) or storage.ndim != 1:
        return _Refused(f"has a storage of type {type(storage).__name__}, not a storage")
    if not (_is_count(offset) and all(map(_is_count, size)) and all(map(_is_count, stride))
            and len(size) == len(stride)):
        return _Refused(f"has an invalid layout (offset {offset!r}, size {size!r}, stride "
                        f"{stride!r})")
    numel = int(np.prod(size, dtype=object)) if size else 1
    if numel == 0:
        return np.zeros(size, storage.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= len(storage):
        return _Refused(f"of shape {list(size)} (offset {offset}, stride {list(stride)}) "
                        f"reaches past its storage of {len(storage)} elements")
    if numel > len(storage):
        return _Refused(f"of shape {list(size)} (stride {list(stride)}) has {numel} elements, "
                        f"more than the {len(storage)} of its storage")
    if not size:
        return storage[offset:offset + 1].reshape(()).copy()
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=tuple(s * itemsize for s in stride),
        writeable=False)
    return np.ascontiguousarray(view)


def _rebuild_parameter(data, *unused):
    return data


class _RecordUnpickler(pickle.Unpickler):
    """Unpickles plain data only (numbers, strings, lists, dicts): no class, no callable.

    Every way a pickle reaches code (GLOBAL / STACK_GLOBAL / INST / OBJ, then REDUCE)
    goes through `find_class`, which refuses all names, so a `__reduce__` payload
    stops with an error before anything runs.
    """

    def __init__(self, file, path):
        super().__init__(file)
        self.path = path

    def find_class(self, module, name):
        raise CheckpointError(f"{self.path}: refusing to unpickle {module}.{name}; only "
                              "tensors are read from a .bin file (no code is executed)")

    def persistent_load(self, pid):
        raise CheckpointError(f"{self.path}: unexpected persistent id {pid!r} in a header "
                              "record")


class _TensorUnpickler(_RecordUnpickler):
    """Unpickles a torch state dict into numpy arrays; any other class is refused."""

    def __init__(self, file, path, load_storage, rebuild=_rebuild_tensor):
        super().__init__(file, path)
        self.load_storage = load_storage
        self.storages = {}
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
        return super().find_class(module, name)

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel[, view_metadata])
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and _is_count(pid[4])):
            raise CheckpointError(f"{self.path}: unexpected persistent id {pid!r}")
        key = str(pid[2])
        if key not in self.storages:
            self.storages[key] = self.load_storage(pid[1], key, pid[4])
        storage = self.storages[key]
        if storage is not None and (storage.dtype != pid[1].dtype or len(storage) != pid[4]):
            raise CheckpointError(f"{self.path}: storage {key} is used as {pid[1].name} of "
                                  f"{pid[4]} elements, but holds {len(storage)} "
                                  f"{storage.dtype} elements")
        return storage


def read_torch_bin(path):
    """Tensors of a `torch.save`d state dict, zip (torch >= 1.6) or legacy format.

    No code from the file runs: the pickles are read by unpicklers that know a state
    dict's few names and refuse every other, and each tensor's layout is checked
    against its storage before it is viewed.
    """
    try:
        if zipfile.is_zipfile(path):
            return _read_torch_zip(path)
        return _read_torch_legacy(path)
    except CheckpointError as error:
        message = str(error)
        raise CheckpointError(message if path in message else f"{path}: {message}") from None
    except Exception as error:  # noqa: BLE001 (any failure of a hostile file becomes CheckpointError)
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
            name = f"{root}data/{key}"
            try:
                info = archive.getinfo(name)
            except KeyError:
                raise CheckpointError(f"{path}: storage {key} is missing") from None
            nbytes = numel * storage_type.dtype.itemsize
            if info.file_size != nbytes:  # checked before reading: no zip bomb is inflated
                raise CheckpointError(f"{path}: storage {key} has {info.file_size} bytes, "
                                      f"{numel} {storage_type.name} elements need {nbytes}")
            return np.frombuffer(archive.read(name), dtype=storage_type.dtype)

        if archive.getinfo(pickles[0]).file_size > _MAX_PICKLE_BYTES:
            raise CheckpointError(f"{path}: data.pkl is larger than a state dict can be")
        with archive.open(pickles[0]) as f:
            state = _TensorUnpickler(io.BytesIO(f.read()), path, load_storage).load()
    return _as_state_dict(state, path)


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def _read_torch_legacy(path):
    """The pre-1.6 format: magic, protocol, sys info, pickled object, keys, raw storages.

    Every record is read by a restricted unpickler (plain data only). The raw storages
    follow the pickle, so it is read twice: once to learn the storage types and reach
    the data, once more to build the arrays.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        def record():
            return _RecordUnpickler(f, path).load()

        if record() != _LEGACY_MAGIC:
            raise CheckpointError(f"{path} is not a PyTorch checkpoint (bad magic number)")
        record()  # protocol version
        info = record()
        if not isinstance(info, dict) or info.get("little_endian") is not True:
            raise CheckpointError(f"{path}: only little-endian checkpoints are read "
                                  f"(sys info {info!r})")
        start = f.tell()
        types = {}

        def note(storage_type, key, numel):
            types[key] = (storage_type, numel)

        _TensorUnpickler(f, path, note, rebuild=lambda *args: None).load()
        keys = record()
        if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
            raise CheckpointError(f"{path}: the storage keys record is not a list of names")
        storages = {}
        for key in keys:
            if key not in types or key in storages:
                raise CheckpointError(f"{path}: storage {key!r} is not used once by a tensor")
            storage_type, numel = types[key]
            (count,) = struct.unpack("<q", f.read(8))
            nbytes = count * storage_type.dtype.itemsize
            if count != numel or nbytes > size - f.tell():
                raise CheckpointError(f"{path}: storage {key} claims {count} elements "
                                      f"({numel} expected, {size - f.tell()} bytes left); "
                                      "the file is truncated or corrupt")
            storages[key] = np.frombuffer(f.read(nbytes), dtype=storage_type.dtype)
        missing = set(types) - set(storages)
        if missing:
            raise CheckpointError(f"{path}: storages {sorted(missing)[:5]} are missing")
        f.seek(start)
        state = _TensorUnpickler(f, path, lambda st, key, numel: storages[key]).load()
    return _as_state_dict(state, path)


def _as_state_dict(state, path):
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise CheckpointError(f"{path} does not hold a state dict")
    for key, value in state.items():
        if isinstance(value, _Refused):
            raise CheckpointError(f"{path}: tensor {key!r} {value.reason}")
        if not isinstance(key, str) or not isinstance(value, np.ndarray):
            raise CheckpointError(f"{path}: entry {key!r} is {type(value).__name__}, not a "
                                  "tensor")
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
    import h5py  # local: comes with Keras, not with us; only tf_model.h5 files need it

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
    except Exception as error:  # noqa: BLE001 (any failure of a hostile file becomes CheckpointError)
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
    """Tensors of every shard listed in a transformers `*.index.json` weight map.

    Shards are plain weight files inside the index's folder: a name that climbs out
    (`../x.safetensors`), an absolute path, a link that resolves elsewhere, or another
    index is refused.
    """
    try:
        with open(index_path, encoding="utf-8") as f:
            weight_map = json.load(f)["weight_map"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"{index_path} is not a valid shard index ({error})") from None
    if not (isinstance(weight_map, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in weight_map.items())):
        raise CheckpointError(f"{index_path}: weight_map must map tensor names to shard file "
                              "names")
    folder = os.path.realpath(os.path.dirname(os.path.abspath(index_path)))
    tensors = {}
    for shard in sorted(set(weight_map.values())):
        shard_path = _confined_shard(index_path, folder, shard)
        tensors.update(_READERS[os.path.splitext(shard)[1]](shard_path))
    missing = set(weight_map) - set(tensors)
    if missing:
        raise CheckpointError(f"{index_path}: shards lack {sorted(missing)[:5]}")
    return tensors


def _confined_shard(index_path, folder, shard):
    """The real path of a shard named by an index, refused unless it is a weight file
    inside the index's folder."""
    if os.path.splitext(shard)[1] not in _READERS:
        raise CheckpointError(f"{index_path} lists {shard!r}, which is not a weight file "
                              f"({', '.join(_READERS)})")
    if os.path.isabs(shard) or ".." in shard.replace("\\", "/").split("/"):
        raise CheckpointError(f"{index_path} lists {shard!r}, outside the model folder")
    real = os.path.realpath(os.path.join(folder, shard))
    if os.path.commonpath([real, folder]) != folder:
        raise CheckpointError(f"{index_path} lists {shard!r}, which links outside the model "
                              "folder")
    if not os.path.isfile(real):
        raise CheckpointError(f"{index_path} lists {shard}, which is missing")
    return real

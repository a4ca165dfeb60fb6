"""Tokenizer folders in the Hugging Face hub layout, both directions.

A folder holds `spiece.model`, `tokenizer_config.json` and
`special_tokens_map.json` exactly as transformers 4.57.1's
`AlbertTokenizer.save_pretrained` writes them, so one folder serves the model
and the tokenizer, for us and for transformers.
"""

import json
import logging
import os
import re

import sentencepiece as spm

from albert_keras import hub

logger = logging.getLogger(__name__)

SPIECE = "spiece.model"
CONFIG = "tokenizer_config.json"
SPECIAL_MAP = "special_tokens_map.json"
_INIT_KEYS = (
    "do_lower_case", "remove_space", "keep_accents", "bos_token", "eos_token", "unk_token",
    "sep_token", "pad_token", "cls_token", "mask_token", "model_max_length",
    "clean_up_tokenization_spaces", "sp_model_kwargs",
)


def resolve(name_or_path):
    """(spiece.model path, tokenizer_config.json path or None, special map path or None).

    A shipped model, preset or hub id is read from its local snapshot (`hub.snapshot`).
    """
    path = os.fspath(name_or_path)
    if not os.path.exists(path):
        path = hub.snapshot(path, weights=False)  # else FileNotFoundError, in words
    if os.path.isfile(path):
        return path, None, None
    if os.path.isdir(path):
        spiece = os.path.join(path, SPIECE)
        if not os.path.isfile(spiece):
            raise FileNotFoundError(f"No '{SPIECE}' in the tokenizer folder '{path}'")
        optional = [os.path.join(path, n) for n in (CONFIG, SPECIAL_MAP)]
        return (spiece, *[p if os.path.isfile(p) else None for p in optional])
    raise FileNotFoundError(f"{path} is neither a tokenizer folder nor a SentencePiece file")


def load_sentencepiece(source, **sp_model_kwargs):
    """(SentencePieceProcessor, serialized bytes) from a path or bytes; clear errors name the file.

    sentencepiece reports a corrupt file as "INTERNAL: src/sentencepiece_processor.cc(109)
    [model_proto->ParseFromArray(...)]"; this raises a ValueError that says what it is instead.
    """
    name = "The SentencePiece model bytes"
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        name = f"'{path}'"
        if not os.path.isfile(path):
            raise FileNotFoundError(f"SentencePiece model file not found: '{path}'")
        with open(path, "rb") as handle:
            source = handle.read()
    proto = bytes(source)
    processor = spm.SentencePieceProcessor(**sp_model_kwargs)
    try:
        processor.load_from_serialized_proto(proto)
    except (RuntimeError, OSError, TypeError) as error:  # what sentencepiece raises
        reason = re.sub(r"^\w+: (src/\S+ )?", "", str(error)).strip()
        if "ParseFromArray" in reason:
            reason = ("its bytes do not parse as a SentencePiece ModelProto (a truncated or "
                      "corrupt download, or another kind of file)")
        raise ValueError(f"{name} ({len(proto):,} bytes) is not a valid SentencePiece model: "
                         f"{reason}") from None
    return processor, proto


def _token_content(value):
    """A token string from either a string or transformers' AddedToken dict."""
    return value["content"] if isinstance(value, dict) and "content" in value else value


def load_tokenizer(cls, name_or_path, **overrides):
    """Build `cls` from a folder, a `spiece.model` file or a hub name."""
    spiece, config_path, special_path = resolve(name_or_path)
    kwargs = {}
    for json_path in (special_path, config_path):  # the config wins, as in transformers
        if json_path is None:
            continue
        with open(json_path, encoding="utf-8") as handle:
            try:
                data = json.load(handle)
            except json.JSONDecodeError as error:
                raise ValueError(f"'{json_path}' is not valid JSON: {error}") from error
        kwargs.update({k: _token_content(v) for k, v in data.items() if k in _INIT_KEYS})
    kwargs.update(overrides)
    return cls(spiece, **kwargs)


def _token_json(content, lstrip=False):
    """transformers' AddedToken serialization."""
    return {"content": content, "lstrip": lstrip, "normalized": False, "rstrip": False,
            "single_word": False}


def save_tokenizer(tokenizer, save_directory):
    """Write the three files; returns their paths (as transformers does)."""
    os.makedirs(save_directory, exist_ok=True)
    spiece = os.path.join(save_directory, SPIECE)
    with open(spiece, "wb") as handle:
        handle.write(tokenizer.sp_model.serialized_model_proto())
    mask = tokenizer.mask_token
    added = {}
    for token in sorted(tokenizer.all_special_tokens, key=tokenizer.sp_model.piece_to_id):
        entry = _token_json(token, lstrip=token == mask)
        entry["special"] = True
        added[str(tokenizer.sp_model.piece_to_id(token))] = entry
    config = {"added_tokens_decoder": added}
    config.update({
        "bos_token": tokenizer.bos_token,
        "clean_up_tokenization_spaces": tokenizer.clean_up_tokenization_spaces,
        "cls_token": tokenizer.cls_token,
        "do_lower_case": tokenizer.do_lower_case,
        "eos_token": tokenizer.eos_token,
        "extra_special_tokens": {},
        "keep_accents": tokenizer.keep_accents,
        "mask_token": mask,
        "model_max_length": tokenizer.model_max_length,
        "pad_token": tokenizer.pad_token,
        "remove_space": tokenizer.remove_space,
        "sep_token": tokenizer.sep_token,
        "sp_model_kwargs": tokenizer.sp_model_kwargs,
        "tokenizer_class": "AlbertTokenizer",
        "unk_token": tokenizer.unk_token,
    })
    special_map = {name: tokenizer.special_tokens_map[name] for name in sorted(tokenizer.special_tokens_map)}
    special_map["mask_token"] = _token_json(mask, lstrip=True)
    paths = (os.path.join(save_directory, CONFIG), os.path.join(save_directory, SPECIAL_MAP))
    for path, data in zip(paths, (config, special_map)):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n")
    logger.info("Saved the tokenizer to %s", save_directory)
    return (*paths, spiece)

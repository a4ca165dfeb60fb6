"""Entity-level precision, recall and F1 over IOB1 / IOB2 tag sequences, counted as seqeval and conlleval do.

A chunk starts at `B-X`, or at `I-X` after a tag of another type or after `O`
(which is how IOB1 marks starts), and ends before the next start or `O`; this is
seqeval's default (non-strict) mode. `iob1_to_iob2` rewrites CoNLL-2003's IOB1 tags.
"""

import collections


def _split(tag):
    if tag in ("O", "", None):
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return (prefix, kind) if kind else ("I", prefix)


def _end_of_chunk(prev_prefix, prefix, prev_type, kind):
    return (prev_prefix in ("B", "I", "E", "S") and
            (prefix in ("B", "S", "O") or prev_prefix in ("E", "S") or prev_type != kind)) \
        and prev_prefix != "O"


def _start_of_chunk(prev_prefix, prefix, prev_type, kind):
    if prefix in ("B", "S"):
        return True
    if prefix in ("I", "E"):
        return prev_prefix in ("E", "S", "O") or prev_type != kind
    return False


def get_entities(tags):
    """(type, start, end) chunks (end inclusive) of a tag list, or of a list of tag lists.

    Example:
    >>> get_entities(["B-PER", "I-PER", "O", "I-LOC"])
    [('PER', 0, 1), ('LOC', 3, 3)]
    """
    if tags and isinstance(tags[0], (list, tuple)):
        tags = [t for sentence in tags for t in list(sentence) + ["O"]]
    chunks, prev_prefix, prev_type, start = [], "O", "", 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, kind = _split(tag)
        if _end_of_chunk(prev_prefix, prefix, prev_type, kind):
            chunks.append((prev_type, start, i - 1))
        if _start_of_chunk(prev_prefix, prefix, prev_type, kind):
            start = i
        prev_prefix, prev_type = prefix, kind
    return chunks


def iob1_to_iob2(tags):
    """IOB1 (I- unless two same-type entities touch) -> IOB2 (every entity starts with B-)."""
    out, prev = [], "O"
    for tag in tags:
        prefix, kind = _split(tag)
        prev_prefix, prev_type = _split(prev)
        if prefix == "I" and (prev_prefix == "O" or prev_type != kind):
            tag = f"B-{kind}"
        out.append(tag)
        prev = tag
    return out


def entity_scores(gold, predicted):
    """Micro precision / recall / F1 over entities, and per type, as fractions.

    Args:
        gold: list of tag lists (one per sentence).
        predicted: list of tag lists, same lengths.

    Returns:
        dict with `precision`, `recall`, `f1`, and `per_type` {type: {precision,
        recall, f1, support}}.
    """
    if len(gold) != len(predicted) or any(len(g) != len(p) for g, p in zip(gold, predicted)):
        raise ValueError("gold and predicted must have the same sentences and lengths")
    true_set, pred_set = set(get_entities(gold)), set(get_entities(predicted))

    def prf(t, p):
        hit = len(t & p)
        precision = hit / len(p) if p else 0.0
        recall = hit / len(t) if t else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "support": len(t)}

    by_type = collections.defaultdict(lambda: (set(), set()))
    for entity in true_set:
        by_type[entity[0]][0].add(entity)
    for entity in pred_set:
        by_type[entity[0]][1].add(entity)
    out = prf(true_set, pred_set)
    out["per_type"] = {k: prf(t, p) for k, (t, p) in sorted(by_type.items())}
    return out

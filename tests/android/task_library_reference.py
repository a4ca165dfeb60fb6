"""What the TFLite Task Library's BertNLClassifier / BertQuestionAnswerer feed the model and decode,
re-stated in Python so a test can run the same rule on the Keras model and name each difference.

Read from tensorflow/tflite-support v0.4.4: `cc/task/processor/bert_preprocessor.cc`
(classifier), `cc/task/text/bert_question_answerer.cc` and `.h` (answerer), and
`cc/text/tokenizers/sentencepiece_tokenizer.h` (`Tokenize` = SentencePiece `Encode` to pieces,
`LookupId` = `PieceToId`, so the literal "[CLS]" / "[SEP]" pieces of the ALBERT vocabulary).
"""

import numpy as np

QA_MAX_SEQ_LEN = 384  # kMaxSeqLen
QA_MAX_QUERY_LEN = 64  # kMaxQueryLen
QA_MAX_ANSWER_LEN = 32  # kMaxAnsLen (tokens)
QA_PREDICT_ANS_NUM = 5  # kPredictAnsNum: top starts x top ends considered, answers returned


def ascii_lower(text):
    """absl::AsciiStrToLower: only A-Z change (the Task Library's only normalization)."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def classifier_ids(sp, text, sequence_length):
    """BertPreprocessor: [CLS] + Encode(lower(text)) truncated + [SEP]; segment ids all 0."""
    pieces = sp.encode(ascii_lower(text), out_type=str)[:sequence_length - 2]
    return [sp.piece_to_id(p) for p in ["[CLS]"] + pieces + ["[SEP]"]]


def qa_features(sp, question, context):
    """BertQuestionAnswerer::Preprocess -> (ids, mask, segment_ids, token -> word, words).

    The context is split on ' ' only (empty pieces skipped); each word is lower-cased and
    encoded on its own; the question is cut to 64 pieces and the context to what is left of
    384 - 3; nothing slides over a longer context.
    """
    words = [w for w in context.split(" ") if w]
    query = sp.encode(ascii_lower(question), out_type=str)[:QA_MAX_QUERY_LEN]
    doc, owner = [], []
    for index, word in enumerate(words):
        for piece in sp.encode(ascii_lower(word), out_type=str):
            doc.append(piece)
            owner.append(index)
    doc = doc[:QA_MAX_SEQ_LEN - len(query) - 3]
    tokens = ["[CLS]"] + query + ["[SEP]"] + doc + ["[SEP]"]
    segments = [0] * (len(query) + 2) + [1] * (len(doc) + 1)
    token_to_word = {len(query) + 2 + k: owner[k] for k in range(len(doc))}
    pad = QA_MAX_SEQ_LEN - len(tokens)
    ids = [sp.piece_to_id(t) for t in tokens] + [0] * pad
    mask = [1] * len(tokens) + [0] * pad
    return ids, mask, segments + [0] * pad, token_to_word, words


def qa_decode(start_logits, end_logits, token_to_word, words):
    """BertQuestionAnswerer::Postprocess: best answers as [(text, start, end, logit)].

    The 5 highest start logits x the 5 highest end logits; a pair counts when both tokens are
    context tokens, start <= end and the span has at most 32 tokens; ranked by the sum of the
    two logits; the text is the original (not lower-cased) words joined by one space.
    """
    starts = np.argsort(-np.asarray(start_logits), kind="stable")[:QA_PREDICT_ANS_NUM]
    ends = np.argsort(-np.asarray(end_logits), kind="stable")[:QA_PREDICT_ANS_NUM]
    spans = []
    for s in starts:
        for e in ends:
            if s in token_to_word and e in token_to_word and s <= e < s + QA_MAX_ANSWER_LEN:
                spans.append((float(start_logits[s] + end_logits[e]), int(s), int(e)))
    spans.sort(key=lambda span: -span[0])
    return [(" ".join(words[token_to_word[s]:token_to_word[e] + 1]), s, e, logit)
            for logit, s, e in spans[:QA_PREDICT_ANS_NUM]]

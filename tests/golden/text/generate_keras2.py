"""Golden outputs of the Keras 2 text API, from the real ``keras_preprocessing`` package.

``keras_preprocessing`` (1.1.2) holds the code that ``keras.preprocessing.text`` and
``tf.keras.preprocessing.text`` served in Keras 2. Run in a scratch environment::

    python -m venv /tmp/kp && /tmp/kp/bin/pip install keras-preprocessing numpy
    /tmp/kp/bin/python tests/golden/text/generate_keras2.py

It writes ``keras2_text.json`` beside this file.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SEQUENCES, TEST, TOKEN_LISTS, TRAIN  # noqa: E402
from keras_preprocessing import text as k2  # noqa: E402

TOKENIZERS = {
    "default": {},
    "num_words_oov": {"num_words": 5, "oov_token": "<OOV>"},
    "num_words": {"num_words": 4},
    "char_level": {"char_level": True, "oov_token": "?"},
    "no_lower_comma": {"lower": False, "filters": "", "split": ","},
    "big_oov": {"num_words": 50, "oov_token": "[UNK]"},
}


def _state(tok):
    return {
        "word_index": list(tok.word_index.items()),
        "index_word": [[int(k), v] for k, v in tok.index_word.items()],
        "word_counts": list(tok.word_counts.items()),
        "word_docs": sorted(tok.word_docs.items()),
        "index_docs": sorted([int(k), v] for k, v in tok.index_docs.items()),
        "document_count": tok.document_count,
    }


def main():
    out = {"tokenizers": {}, "word_sequences": {}, "hashing_md5": {}}
    for name, kwargs in TOKENIZERS.items():
        tok = k2.Tokenizer(**kwargs)
        tok.fit_on_texts(TRAIN)
        seqs = tok.texts_to_sequences(TEST)
        case = {"kwargs": kwargs, **_state(tok), "sequences": seqs,
                "train_sequences": tok.texts_to_sequences(TRAIN),
                "texts": tok.sequences_to_texts(seqs + [[1, 2, 3, 99, 0]]),
                "matrices": {m: tok.texts_to_matrix(TEST, mode=m).tolist()
                             for m in ("binary", "count", "tfidf", "freq")},
                "json": json.loads(tok.to_json())}
        out["tokenizers"][name] = case
    tok = k2.Tokenizer()
    tok.fit_on_texts(TOKEN_LISTS)
    out["token_lists"] = {**_state(tok), "sequences": tok.texts_to_sequences(TOKEN_LISTS)}
    tok = k2.Tokenizer(num_words=14)
    tok.fit_on_sequences(SEQUENCES)
    out["fit_on_sequences"] = {
        "document_count": tok.document_count,
        "index_docs": sorted([int(k), v] for k, v in tok.index_docs.items()),
        "matrices": {m: tok.sequences_to_matrix(SEQUENCES, mode=m).tolist()
                     for m in ("binary", "count", "tfidf", "freq")}}
    for i, text in enumerate(TRAIN + TEST):
        out["word_sequences"][str(i)] = {
            "default": k2.text_to_word_sequence(text),
            "keep_case": k2.text_to_word_sequence(text, lower=False, filters=".,!?"),
        }
        out["hashing_md5"][str(i)] = k2.hashing_trick(text, 17, hash_function="md5")
    text = json.dumps(out, separators=(",", ":"), ensure_ascii=False)
    (HERE / "keras2_text.json").write_text(text)


if __name__ == "__main__":
    main()

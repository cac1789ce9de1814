"""The Keras 2 text API (Tokenizer, text_to_word_sequence, hashing_trick, pad_sequences)
against golden outputs of the real ``keras_preprocessing`` (tests/golden/text)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from keraslite import KerasliteDeprecationWarning
from keraslite.preprocessing import text as kt

HERE = Path(__file__).parent / "golden" / "text"
sys.path.insert(0, str(HERE))
from corpus import SEQUENCES, TEST, TOKEN_LISTS, TRAIN  # noqa: E402

GOLD = json.loads((HERE / "keras2_text.json").read_text())


def _json(text):
    """A to_json() string with the count tables parsed (word_docs' order follows Python's set
    order, which is randomized per process for strings, in Keras 2 as here)."""
    config = json.loads(text)["config"]
    for key in ("word_docs", "index_docs"):
        config[key] = json.loads(config[key])
    return config


def _state(tok):
    return {
        "word_index": [list(kv) for kv in tok.word_index.items()],
        "index_word": [[int(k), v] for k, v in tok.index_word.items()],
        "word_counts": [list(kv) for kv in tok.word_counts.items()],
        "word_docs": sorted([k, v] for k, v in tok.word_docs.items()),
        "index_docs": sorted([int(k), v] for k, v in tok.index_docs.items()),
        "document_count": tok.document_count,
    }


@pytest.mark.parametrize("name", sorted(GOLD["tokenizers"]))
def test_tokenizer_matches_keras2(name):
    case = GOLD["tokenizers"][name]
    tok = kt.Tokenizer(**case["kwargs"])
    tok.fit_on_texts(TRAIN)
    for key, value in _state(tok).items():
        assert value == case[key], key
    seqs = tok.texts_to_sequences(TEST)
    assert seqs == case["sequences"]
    assert list(tok.texts_to_sequences_generator(TRAIN)) == case["train_sequences"]
    assert tok.sequences_to_texts(seqs + [[1, 2, 3, 99, 0]]) == case["texts"]
    for mode, expected in case["matrices"].items():
        np.testing.assert_allclose(tok.texts_to_matrix(TEST, mode=mode), expected,
                                   rtol=1e-12, err_msg=mode)
    assert _json(tok.to_json()) == _json(json.dumps(case["json"]))
    # Keras 2's JSON loads here, and gives the same results.
    again = kt.tokenizer_from_json(json.dumps(case["json"]))
    assert again.texts_to_sequences(TEST) == case["sequences"]
    np.testing.assert_allclose(again.texts_to_matrix(TEST, mode="tfidf"),
                               case["matrices"]["tfidf"], rtol=1e-12)
    assert _json(again.to_json()) == _json(json.dumps(case["json"]))


def test_token_lists_and_fit_on_sequences():
    tok = kt.Tokenizer()
    tok.fit_on_texts(TOKEN_LISTS)
    gold = GOLD["token_lists"]
    assert tok.texts_to_sequences(TOKEN_LISTS) == gold["sequences"]
    assert _state(tok)["word_index"] == gold["word_index"]
    tok = kt.Tokenizer(num_words=14)
    tok.fit_on_sequences(SEQUENCES)
    gold = GOLD["fit_on_sequences"]
    assert tok.document_count == gold["document_count"]
    for mode, expected in gold["matrices"].items():
        np.testing.assert_allclose(tok.sequences_to_matrix(SEQUENCES, mode=mode), expected,
                                   rtol=1e-12)


def test_word_sequences_and_md5_hashing():
    for i, text in enumerate(TRAIN + TEST):
        gold = GOLD["word_sequences"][str(i)]
        assert kt.text_to_word_sequence(text) == gold["default"]
        assert kt.text_to_word_sequence(text, lower=False, filters=".,!?") == gold["keep_case"]
        assert kt.hashing_trick(text, 17, hash_function="md5") == GOLD["hashing_md5"][str(i)]
    ids = kt.one_hot("a b a", 10)
    assert ids[0] == ids[2] and all(1 <= i <= 9 for i in ids)


def test_tokenizer_errors_name_the_fix():
    tok = kt.Tokenizer()
    with pytest.raises(ValueError, match="fit on some"):
        tok.texts_to_matrix(["a"])
    with pytest.raises(TypeError, match=r"fit_on_texts\(\[text\]\)"):
        tok.fit_on_texts("one string")
    with pytest.raises(ValueError, match="mode"):
        kt.Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="onehot")
    with pytest.raises(TypeError, match="Unrecognized"):
        kt.Tokenizer(num_word=3)


def test_pad_sequences_every_path(served):
    import keras
    from keras.preprocessing.sequence import pad_sequences as p2  # still a Keras 3 path
    with pytest.warns(KerasliteDeprecationWarning, match="Keras 2 module path"):
        from keras.preprocessing.text import Tokenizer
    from keras.utils import pad_sequences as p3
    from tensorflow.keras.preprocessing.sequence import pad_sequences as p_tf
    with pytest.warns(KerasliteDeprecationWarning, match="Keras 2 module path"):
        from tensorflow.keras.preprocessing.text import tokenizer_from_json

    from keraslite.utils.sequences import pad_sequences

    assert p2 is p3 is p_tf is keras.utils.pad_sequences is pad_sequences
    assert Tokenizer is kt.Tokenizer and tokenizer_from_json is kt.tokenizer_from_json
    assert keras.preprocessing.sequence.pad_sequences is pad_sequences
    out = pad_sequences([[1, 2, 3], [4], []], maxlen=2, padding="post", truncating="post")
    np.testing.assert_array_equal(out, [[1, 2], [4, 0], [0, 0]])
    assert out.dtype == np.int32
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="different from expected shape"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])

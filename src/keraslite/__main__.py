"""The command line: ``python -m keraslite demo`` (also installed as the ``keraslite`` script).

``demo`` trains three networks on the Titanic exercise's data and prints their precision,
recall and F1 on the test split: the exercise's two networks, whose 1-unit softmax output
predicts that every passenger survives, and a sound one (standardized inputs, sigmoid output).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import keraslite as keras
from keraslite.datasets import titanic

BATCH_SIZE = 25  # the course's batch size


@dataclass(frozen=True)
class DemoNetwork:
    """One network of the demo: how to build it and how to train it.

    Attributes:
        name: the label in the results table.
        description: the architecture and training set-up, in one line.
        hidden: ``(units, activation)`` of each hidden Dense layer.
        output_activation: the activation of the 1-unit output layer.
        optimizer: the optimizer's name.
        epochs: the number of training epochs.
        standardize: whether the inputs are standardized with the training split's mean/std.
        verbose: the ``fit`` display (1: progress bar, 2: one line per epoch).
        flawed: whether this is one of the exercise's flawed networks (a 1-unit softmax).

    """

    name: str
    description: str
    hidden: tuple[tuple[int, str], ...]
    output_activation: str
    optimizer: str
    epochs: int
    standardize: bool
    verbose: int
    flawed: bool


NETWORKS: tuple[DemoNetwork, ...] = (
    DemoNetwork("exercise net 1", "raw inputs -> Dense(10, softmax) -> Dense(1, softmax)",
                ((10, "softmax"),), "softmax", "sgd", 20, False, 2, True),
    DemoNetwork("exercise net 2",
                "raw inputs -> Dense(20, sigmoid) -> Dense(10, relu) -> Dense(1, softmax)",
                ((20, "sigmoid"), (10, "relu")), "softmax", "adam", 20, False, 2, True),
    DemoNetwork("sound net",
                "standardized inputs -> Dense(20, sigmoid) -> Dense(10, relu) -> Dense(1, sigmoid)",
                ((20, "sigmoid"), (10, "relu")), "sigmoid", "adam", 30, True, 1, False),
)
"""The demo's networks: the exercise's two, then a sound one."""


def build_network(spec: DemoNetwork, n_features: int = len(titanic.feature_names)) -> keras.Model:
    """Build and compile ``spec``'s network (binary cross-entropy, accuracy).

    Args:
        spec: the network to build.
        n_features: the number of input features.

    Returns:
        The compiled ``keras.Sequential`` model.

    """
    layers = [keras.Input(shape=(n_features,))]
    layers += [keras.layers.Dense(units, activation=act) for units, act in spec.hidden]
    layers.append(keras.layers.Dense(1, activation=spec.output_activation))
    model = keras.Sequential(layers)
    model.compile(optimizer=spec.optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return model


def binary_scores(y_true: np.ndarray, y_prob: np.ndarray,
                  threshold: float = 0.5) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predictions ``y_prob >= threshold``.

    A ratio whose denominator is zero (no predicted or no actual positives) is 0, as in
    scikit-learn's ``zero_division=0``.

    Args:
        y_true: the 0/1 labels.
        y_prob: the predicted probabilities of class 1 (any shape with as many elements).
        threshold: the probability from which a prediction counts as positive.

    Returns:
        ``(precision, recall, f1)``.

    """
    truth = np.asarray(y_true).reshape(-1) == 1
    pred = np.asarray(y_prob).reshape(-1) >= threshold
    tp = float(np.sum(truth & pred))
    precision = tp / pred.sum() if pred.sum() else 0.0
    recall = tp / truth.sum() if truth.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def standardizer(x_train: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function that standardizes features with the mean and std of ``x_train``."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0).astype(x_train.dtype)
    return lambda x: (x - mean) / std


def train_network(spec: DemoNetwork, data: tuple, seed: int = 0,
                  verbose: int | None = None) -> tuple[np.ndarray, list[str]]:
    """Seed, build, train ``spec``'s network and predict the test split.

    The keraslite warnings that a flawed network may raise (a 1-unit softmax) are caught and
    returned as notes instead of being emitted; any other warning passes through.

    Args:
        spec: the network.
        data: ``((x_train, y_train), (x_test, y_test))`` as ``titanic.load_data`` returns.
        seed: the random seed (weights and shuffling).
        verbose: the ``fit`` display; ``spec.verbose`` when None.

    Returns:
        ``(probabilities, notes)``: the predicted survival probabilities of the test rows
        (shape ``(n_test, 1)``), and the messages of the caught warnings.

    """
    (x_train, y_train), (x_test, _) = data
    if spec.standardize:
        scale = standardizer(x_train)
        x_train, x_test = scale(x_train), scale(x_test)
    keras.utils.set_random_seed(seed)
    with warnings.catch_warnings(record=True) as caught:
        if spec.flawed:
            warnings.simplefilter("always", keras.KerasliteWarning)
        model = build_network(spec, x_train.shape[1])
        model.fit(x_train, y_train, epochs=spec.epochs, batch_size=BATCH_SIZE,
                  verbose=spec.verbose if verbose is None else verbose)
        prob = model.predict(x_test, verbose=0)
    notes = []
    for w in caught:
        if spec.flawed and issubclass(w.category, keras.KerasliteWarning):
            notes.append(str(w.message).splitlines()[0])
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return prob, notes


def run_demo(seed: int = 0, quiet: bool = False) -> list[tuple[str, float, float, float]]:
    """Train the demo's networks and print their scores on the Titanic test split.

    Args:
        seed: the random seed of every network (the split itself is always ``random_state=0``).
        quiet: hide the training display (only the results are printed).

    Returns:
        ``(name, precision, recall, f1)`` for each network of ``NETWORKS``.

    """
    start = time.perf_counter()
    data = titanic.load_data(test_size=0.1, random_state=0)
    (x_train, _), (x_test, y_test) = data
    rate = float(np.mean(y_test))
    print(f"keraslite {keras.__version__} demo: the Titanic exercise "
          f"({len(x_train)} training / {len(x_test)} test passengers, "
          f"{x_train.shape[1]} features)\nEvery network: binary cross-entropy, batch size "
          f"{BATCH_SIZE}, threshold 0.5 for 'survived'")
    results = []
    for i, spec in enumerate(NETWORKS, start=1):
        print(f"\n[{i}/{len(NETWORKS)}] {spec.name}: {spec.description}; {spec.optimizer}, "
              f"{spec.epochs} epochs", flush=True)
        prob, notes = train_network(spec, data, seed, verbose=0 if quiet else None)
        for note in notes:
            print(f"  note: keraslite warned, as expected for this flawed network: {note}")
        if spec.flawed and np.all(prob == 1.0):
            print("  every predicted probability is 1.0")
        results.append((spec.name, *binary_scores(y_test, prob)))
    print(f"\nTest split: {len(y_test)} passengers, {int(np.sum(y_test))} survived "
          f"(survival rate {rate:.3f})\n")
    print(f"{'network':<16}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, precision, recall, f1 in results:
        print(f"{name:<16}{precision:>10.3f}{recall:>10.3f}{f1:>10.3f}")
    print("\nWhy: a 1-unit softmax outputs exp(z)/exp(z) = 1.0 whatever the input, so nets 1 and 2 "
          f"predict that everyone survives (recall 1, precision = survival rate {rate:.3f}); a "
          "sigmoid output on standardized inputs actually learns.")
    print(f"\nDone in {time.perf_counter() - start:.1f}s.")
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keraslite", description="keraslite: the Keras 3 API on NumPy.")
    parser.add_argument("--version", action="version", version=f"keraslite {keras.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="train the Titanic exercise's networks and a sound one; compare their F1",
        description="Train the Titanic exercise's two networks (1-unit softmax outputs) and a "
                    "sound one, then print precision, recall and F1 on the test split.")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--quiet", action="store_true", help="hide the training display")
    run = commands.add_parser(
        "run", help="run a Keras script unchanged, with keras/tensorflow served by keraslite",
        description="Run SCRIPT as `python SCRIPT ARGS...` would, with the import names keras, "
                    "tensorflow(.keras) and tf_keras served by keraslite.")
    run.add_argument("script", help="the Python script (or a folder with a __main__.py)")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments (``sys.argv[1:]`` when None).

    Returns:
        The exit status: 0 on success, 2 for a usage error.

    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo(seed=args.seed, quiet=args.quiet)
        return 0
    if args.command == "run":
        from keraslite.compat import run_script

        return run_script(args.script, args.args)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

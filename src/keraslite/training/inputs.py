"""Turning the user's x, y and sample weights into checked arrays shaped for the model.

Mixed into :class:`~keraslite.training.trainer.Trainer`; the conversions themselves live in
:mod:`keraslite.training.data`.
"""

from __future__ import annotations

import warnings
from typing import Any

from keraslite.backend import distribute, floatx, xp
from keraslite.layers.rnn.base import probe_calls
from keraslite.lazy import LazyModule
from keraslite.training import data as data_module

diagnostics = LazyModule("keraslite.diagnostics")


class InputHandling:
    """Data preparation for ``fit``, ``evaluate`` and ``predict``."""

    def _input_names(self) -> list[str] | None:
        names = getattr(self, "input_names", None)
        return list(names) if names else None

    def _prepare(self, x: Any, y: Any = None, sample_weight: Any = None,
                 argument: str = "x") -> tuple[list, str, list, list]:
        xs, x_kind = data_module.flatten_data(x, argument, self._input_names(), None,
                                              self._wants_strings)
        xs = [a.astype(floatx()) if a.dtype.kind == "f" and a.dtype != floatx() else a
              for a in xs]
        xs = [a.astype(floatx()) if a.dtype.kind in "biu" and not self._wants_ints(i) else a
              for i, a in enumerate(xs)]
        ys, _ = data_module.flatten_data(y, "y", self._output_names_if_dict(y), None)
        ys = [a.astype(floatx()) if a.dtype.kind == "b" else a for a in ys]
        sws, _ = data_module.flatten_data(sample_weight, "sample_weight", None, floatx())
        named = [(argument if len(xs) == 1 else f"{argument}[{i}]", a) for i, a in enumerate(xs)]
        named += [("y" if len(ys) == 1 else f"y[{i}]", a) for i, a in enumerate(ys)]
        named += [("sample_weight", a) for a in sws]
        if not xs:
            raise ValueError(f"No data was given: `{argument}` is None. Received: {argument}=None")
        data_module.check_lengths(named)
        xs = self._check_features(xs, x, x_kind, has_targets=bool(ys))
        return xs, x_kind, ys, sws

    def _wants_strings(self, index: int) -> bool:
        """Whether input ``index`` takes strings: a ``dtype="string"`` input, or (a model not
        built yet) a first layer that reads text, such as ``TextVectorization``.
        """
        inputs = getattr(self, "inputs", None)
        if inputs and index < len(inputs) and inputs[index].dtype == "string":
            return True
        layers = getattr(self, "layers", None) or []
        return index == 0 and bool(layers) and getattr(layers[0], "_takes_strings", False)

    def _wants_ints(self, index: int) -> bool:
        inputs = getattr(self, "inputs", None)
        if inputs and index < len(inputs):
            return inputs[index].dtype != "string" and xp.dtype(inputs[index].dtype).kind in "iu"
        return False

    def _output_names_if_dict(self, y: Any) -> list[str] | None:
        return self._output_names() if isinstance(y, dict) else None

    def _check_features(self, xs: list, original: Any, kind: str,
                        has_targets: bool = True) -> list:
        """``xs`` checked against the model's inputs, with Keras' rank adjustment: data one
        rank short of an input whose last axis is 1 (a single feature as a 1-D array) gains
        that axis; data with an extra trailing axis of 1 loses it.
        """
        inputs = getattr(self, "inputs", None)
        if not self.built or not inputs:
            return xs
        if len(xs) != len(inputs):
            raise ValueError(
                f"Model '{self.name}' has {len(inputs)} input(s), but `x` holds {len(xs)} "
                f"array(s). Received: {len(xs)} input arrays"
            )
        adjusted, mismatched = [], []
        for i, (a, t) in enumerate(zip(xs, inputs)):
            want = tuple(t.shape[1:])
            if want and want[-1] == 1 and a.ndim == len(want):
                a = a[..., None]
            elif a.ndim == len(want) + 2 and a.shape[-1] == 1:
                a = a[..., 0]
            got = tuple(a.shape[1:])
            if len(want) != len(got) or any(w is not None and w != g for w, g in zip(want, got)):
                if not has_targets and a.ndim == 1 and _fits(want, a.shape):
                    raise ValueError(
                        f"Input {i} of model '{self.name}' expects a batch of samples of shape "
                        f"{want} (full shape {t.shape}), but `x` has shape {a.shape}: one "
                        "sample without its batch axis. Pass a batch of one sample: "
                        "x.reshape(1, -1) or np.expand_dims(x, 0) (for a DataFrame row, "
                        f"df.iloc[[i]] rather than df.iloc[i]). Received: x.shape={a.shape}"
                    )
                mismatched.append(i)
            adjusted.append(a)
        if mismatched and not self._runs_on(adjusted, kind, mismatched):
            i = mismatched[0]
            a, want = adjusted[i], tuple(inputs[i].shape[1:])
            columns = data_module.frame_columns(original if len(xs) == 1 else None)
            hint = f" The DataFrame's columns are {columns}." if columns else ""
            diagnostics.check_input_shape(want, a.shape)
            diagnostics.check_sequence_length(self, i, want, a.shape)
            raise ValueError(
                f"Input {i} of model '{self.name}' expects samples of shape {want} (full "
                f"shape {inputs[i].shape}), but the data has samples of shape "
                f"{tuple(a.shape[1:])} (full shape {a.shape}).{hint} Make the Input shape match "
                f"the number of features, e.g. keras.Input(shape={tuple(a.shape[1:])}). "
                f"Received: x.shape={a.shape}"
            )
        return adjusted

    def _runs_on(self, xs: list, kind: str, mismatched: list) -> bool:
        """Whether the model runs on the inputs ``mismatched``, shaped unlike their declared
        ones (as in Keras 3, which checks shapes layer by layer, not at the model's inputs: an
        RNN or a global pooling reads sequences or images of another size). Tried on one
        sample; the ranks must agree.
        """
        if any(xs[i].ndim != len(self.inputs[i].shape) for i in mismatched) or not all(
                len(a) for a in xs):
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._probe(xs, kind)
        except Exception:  # noqa: BLE001 - any failure: the shape error below explains it
            return False
        return True

    def _pack(self, arrays: list, kind: str) -> Any:
        if kind == "single" and len(arrays) == 1:
            return arrays[0]
        if kind == "dict":
            names = self._input_names()
            if names:
                return dict(zip(names, arrays))
        return list(arrays)

    def _probe(self, xs: list, kind: str) -> None:
        """Call the model on the first sample of ``xs`` (a stateful RNN keeps its states)."""
        with probe_calls():
            self(self._pack([a[:1] for a in xs], kind), training=False)

    def _ensure_built(self, xs: list, kind: str) -> None:
        if not self.built:
            self._probe(xs, kind)
            self._check_features(xs, None, kind)

    # -- one step ------------------------------------------------------------------------


def check_batch_size(batch_size: Any) -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, xp.integer)) \
            or batch_size < 1:
        raise ValueError(
            "`batch_size` must be a positive integer (samples per step). "
            f"Received: batch_size={batch_size!r}"
        )
    return int(batch_size)


def resolve_verbose(verbose: Any) -> int:
    if verbose == "auto":
        return distribute.chief_verbose(1)  # only the first worker prints (hook)
    if isinstance(verbose, bool) or not isinstance(verbose, (int, xp.integer)) or verbose < 0:
        raise ValueError(
            f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}"
        )
    # Keras accepts larger values: one line per epoch. Only the first worker prints (hook).
    return distribute.chief_verbose(min(int(verbose), 2))


def _fits(sample_shape: tuple, shape: tuple) -> bool:
    """Whether ``shape`` is exactly one sample of ``sample_shape`` (None matches any size)."""
    return len(sample_shape) == len(shape) and all(
        w is None or w == g for w, g in zip(sample_shape, shape))

"""The Layer base class: weights, building, calling on data or on symbolic inputs, config.

A layer owns variables (created in ``build`` with ``add_weight``) and computes ``call`` with
``keraslite.ops``; it never computes gradients itself. Calling a layer on arrays runs it;
calling it on KerasTensors records a node of a Functional graph.
"""

from __future__ import annotations

import warnings
from typing import Any

from keraslite import constraints as constraints_module
from keraslite import initializers, regularizers
from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import floatx, to_numpy, xp
from keraslite.layers.auto_config import AutoConfigMeta, complete_config
from keraslite.layers.graph_calls import _TRAINING, SymbolicCalls, _accepts, _unbatched
from keraslite.layers.masks import attach_output_masks, input_mask
from keraslite.layers.symbolic import flatten, is_symbolic, map_structure
from keraslite.naming import KerasliteWarning, deprecated, to_snake_case, unique_name
from keraslite.ops import cast, convert_to_tensor


def standardize_shape(shape: Any, argument: str = "shape", keras2_note: bool = False) -> tuple:
    """Turn a user's shape into a tuple; a bare int (Keras 2's ``shape=(9)``) becomes ``(9,)``,
    with a deprecation note when ``keras2_note`` is set (user-facing shape arguments).
    """
    if shape is None:
        return None
    if isinstance(shape, (int, xp.integer)):
        if keras2_note:
            deprecated(
                f"`{argument}={int(shape)}` is a bare number (Keras 2 accepted it); a shape is "
                f"a tuple: {argument}=({int(shape)},). Received: {argument}={int(shape)}"
            )
        return (int(shape),)
    try:
        out = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"Cannot interpret `{argument}`: expected a tuple of ints such as (9,) or (28, 28). "
            f"Received: {argument}={shape!r}"
        ) from None
    for d in out:
        if d is not None and d < 0:
            raise ValueError(
                f"Negative dimensions are not allowed in `{argument}`. Received: {argument}={shape}"
            )
    return out


def standardize_dtype(dtype: Any) -> str:
    """A dtype's name; strings of any kind (``"string"``, ``str``, object, ``tf.string``) are
    ``"string"``, Keras' name for the dtype of text inputs.
    """
    if dtype in ("string", "str", str, bytes, object):
        return "string"
    dtype = xp.dtype(dtype)
    return "string" if dtype.kind in "OUS" else str(dtype)


class Layer(SymbolicCalls, metaclass=AutoConfigMeta):
    """Base class of all layers.

    Subclasses implement ``build(input_shape)`` (create weights with :meth:`add_weight`) and
    ``call(inputs, ...)`` (compute with ``keraslite.ops``); gradients come from the ops.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: a unique name (``dense``, ``dense_1``, ... by default).
        dtype: the dtype of the layer's weights (``floatx()`` by default).
        activity_regularizer: a penalty on the layer's output, added to the loss.
        input_shape, input_dim, batch_size: Keras 2 style input declaration, accepted on the
            first layer of a Sequential model.

    """

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True,
                 dtype: Any = None, autocast: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        self._init_tracking()
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            deprecated(
                f"`input_length` is Keras 2 and is ignored: the sequence length comes from the "
                f"data (or keras.Input(shape=({input_length},))). Received: "
                f"input_length={input_length!r}"
            )
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self._input_shape_arg = None
        if batch_input_shape is not None:
            self._input_shape_arg = standardize_shape(batch_input_shape, "batch_input_shape")
        elif input_shape is not None:
            self._input_shape_arg = (batch_size,) + standardize_shape(input_shape, "input_shape",
                                                                      keras2_note=True)
        elif input_dim is not None:
            self._input_shape_arg = (batch_size, int(input_dim))
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        # Keras 3: a layer that overrides compute_mask supports masking (see layers/masks.py).
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask

    def _init_tracking(self) -> None:
        if "_layers" in self.__dict__:
            return
        d = self.__dict__
        d["_layers"] = []
        d["_own_variables"] = []
        d["_losses"] = []
        d["_inbound_nodes"] = []
        d["_output_shape"] = None
        d["_build_shapes"] = None

    def __setattr__(self, key: str, value: Any) -> None:
        if "_layers" not in self.__dict__ and not key.startswith("__"):
            self._init_tracking()
        if not key.startswith("_"):
            self._track(value)
        object.__setattr__(self, key, value)

    def _track(self, value: Any) -> None:
        """Adopt layers and variables assigned as attributes (also inside lists and dicts)."""
        if isinstance(value, Layer):
            if value is not self and all(value is not x for x in self._layers):
                self._layers.append(value)
        elif isinstance(value, Variable):
            if not value.tracked_by_layers:
                _warn_untracked(self, value)
            elif all(value is not v for v in self._own_variables):
                self._own_variables.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, (Layer, Variable)):
                    self._track(v)
        elif isinstance(value, dict):
            for v in value.values():
                if isinstance(v, (Layer, Variable)):
                    self._track(v)

    # -- weights -------------------------------------------------------------------------
    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, autocast: bool = True, regularizer: Any = None,
                   constraint: Any = None, aggregation: str = "none",
                   overwrite_with_gradient: bool = False, name: str | None = None) -> Variable:
        """Create a weight variable owned by this layer.

        Args:
            shape: the weight's shape (``()`` for a scalar).
            initializer: a name, an Initializer or a callable; defaults to ``"glorot_uniform"``
                for floats and ``"zeros"`` otherwise.
            trainable: whether training updates it.
            regularizer: a penalty on the weight, added to the loss.
            constraint: a projection applied after each optimizer update.
            name: the short name (``"kernel"``).

        """
        shape = () if shape is None else standardize_shape(shape)
        dtype = str(xp.dtype(dtype)) if dtype is not None else self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if xp.dtype(dtype).kind == "f" else "zeros"
        init = initializers.get(initializer)
        name = name or f"variable_{len(self._own_variables)}"
        variable = Variable(init, shape=shape, dtype=dtype, trainable=trainable, name=name,
                            path=f"{self.name}/{name}",
                            constraint=constraints_module.get(constraint),
                            regularizer=regularizers.get(regularizer))
        self._own_variables.append(variable)
        return variable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    def _all_variables(self, trainable: bool | None) -> list[Variable]:
        out: list[Variable] = []
        seen: set[int] = set()

        def visit(layer: Layer, parent_trainable: bool) -> None:
            active = parent_trainable and layer._trainable
            own = [v for v in layer._own_variables if v.trainable] + [
                v for v in layer._own_variables if not v.trainable
            ]
            for v in own:
                is_trainable = active and v.trainable
                if trainable is None or is_trainable == trainable:
                    if id(v) not in seen:
                        seen.add(id(v))
                        out.append(v)
            for sub in layer._layers:
                visit(sub, active)

        visit(self, True)
        return out

    @property
    def weights(self) -> list[Variable]:
        """All weights: each layer's trainable then non-trainable ones, depth first."""
        return self._all_variables(None)

    variables = weights

    @property
    def trainable_weights(self) -> list[Variable]:
        return self._all_variables(True)

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return self._all_variables(False)

    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list:
        """The weights' values as a list of NumPy arrays (copies)."""
        return [to_numpy(v.value).copy() for v in self.weights]  # NumPy, as Keras returns

    def set_weights(self, weights: list) -> None:
        """Set the weights from a list of arrays, in the order of :attr:`weights`."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} weight arrays "
                f"({[tuple(v.shape) for v in own]}), but received {len(weights)}. "
                f"Received: len(weights)={len(weights)}"
            )
        for v, w in zip(own, weights):
            w = xp.asarray(w)
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(
                    f"Weight '{v.path}' has shape {tuple(v.shape)}, but the provided array has "
                    f"shape {tuple(w.shape)}. Received: weight.shape={tuple(w.shape)}"
                )
            v.assign(w)

    # -- the state that model.save writes --------------------------------------------------
    #: Attribute names of the variables Keras 3 saves for this class, in order, an attribute
    #: that is ``None`` (a missing bias) skipped; ``None`` saves all of the layer's own
    #: variables, trainable ones first (Keras' default).
    saved_variable_names: tuple[str, ...] | None = None

    def saved_variables(self) -> list[Variable]:
        """The variables that :meth:`save_own_variables` writes, in Keras' order."""
        own = self._own_variables
        if self.saved_variable_names is None:
            return [v for v in own if v.trainable] + [v for v in own if not v.trainable]
        found = (getattr(self, name, None) for name in self.saved_variable_names)
        return [v for v in found if v is not None]

    def save_own_variables(self, store: dict) -> None:
        """Write this layer's own state into ``store`` (``{"0": kernel, "1": bias}``).

        ``model.save`` and ``save_weights`` call it for every layer; override it (with
        :meth:`load_own_variables`) to take full control of what is saved, as in Keras 3.
        """
        for i, variable in enumerate(self.saved_variables()):
            store[str(i)] = variable

    def load_own_variables(self, store: dict) -> None:
        """Assign what :meth:`save_own_variables` wrote (``store["0"]``, ...)."""
        variables = self.saved_variables()
        if len(store) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expects {len(variables)} variables "
                f"{[tuple(v.shape) for v in variables]} but the file holds {len(store)} for it. "
                f"Received: keys={sorted(store)}")
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    def count_params(self) -> int:
        """The number of scalar weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(xp.prod(v.shape)) for v in self.weights))

    # -- losses --------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar to the training loss (cleared at each outer call)."""
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        """Activity losses of the last call plus the weight regularization penalties."""
        out = []
        for layer in self._flat_layers():
            out.extend(layer._losses)
            for v in layer._own_variables:
                if v.regularizer is not None and v.trainable:
                    out.append(v.regularizer(v))
        return out

    def _flat_layers(self) -> list[Layer]:
        out: list[Layer] = []
        seen: set[int] = set()
        stack = [self]
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(layer._layers)
        return out

    def _clear_losses(self) -> None:
        for layer in self._flat_layers():
            layer._losses.clear()

    # -- building ------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's weights for inputs of ``input_shape``."""
        self.built = True

    def _maybe_build(self, shapes: Any) -> None:
        if not self.built:
            self._build_shapes = shapes
            self.build(shapes)
            self.built = True
            if self._build_shapes is shapes:
                self._build_shapes = _unbatched(shapes)

    # -- calling -------------------------------------------------------------------------
    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation; override it (the base returns its inputs)."""
        return inputs

    def plan_kernel(self, training: bool) -> Any:
        """A kernel that runs this layer inside the training engine's replayed plan, or None
        to run it on the tape (the default; same numbers, slower). See
        :mod:`keraslite.layers.kernels` for the protocol. Called once per traced plan, on a
        built layer; a subclass that overrides ``call`` does not inherit its parent's kernel.
        """
        del training
        return None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args:
            if "inputs" not in kwargs:
                raise TypeError(f"Layer '{self.name}' was called without inputs.")
            args = (kwargs.pop("inputs"),)
        if is_symbolic((args, kwargs)):
            return self._symbolic_call(args, kwargs)
        inputs = args[0]
        previous_mask = input_mask(inputs) if kwargs.get("mask") is None else kwargs["mask"]
        if self.autocast:
            inputs = map_structure(self._to_input_tensor, inputs)
        else:
            inputs = map_structure(lambda x: x if isinstance(x, Tensor) else
                                   convert_to_tensor(x), inputs)
        if not self.built:
            self._maybe_build(map_structure(lambda t: tuple(t.shape), inputs))
        accepts_training, accepts_mask = _accepts(type(self))
        outer = _TRAINING[0] is None
        training = kwargs.pop("training", None)
        if accepts_training:
            if training is None:
                training = _TRAINING[0]
            kwargs["training"] = bool(training)
        if not accepts_mask:
            kwargs.pop("mask", None)
        elif kwargs.get("mask") is None and previous_mask is not None:
            kwargs["mask"] = previous_mask
        if outer:
            self._clear_losses()
            _TRAINING[0] = bool(training)
        try:
            outputs = self.call(inputs, *args[1:], **kwargs)
        finally:
            if outer:
                _TRAINING[0] = None
        if self.activity_regularizer is not None:
            for out in flatten(outputs):
                if isinstance(out, Tensor):
                    penalty = self.activity_regularizer(out)
                    self.add_loss(penalty / max(out.shape[0], 1) if out.ndim else penalty)
        if previous_mask is not None or self.supports_masking and \
                type(self).compute_mask is not Layer.compute_mask:
            attach_output_masks(self, inputs, outputs, previous_mask)
        return outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The outputs' mask: the input's, by default (see :mod:`keraslite.layers.masks`)."""
        return mask

    # Layers that consume integer ids (embeddings) set this to keep int inputs as they are.
    _keeps_int_inputs = False

    def _to_input_tensor(self, x: Any) -> Any:
        """Convert an input to a Tensor of the layer's float dtype (autocasting)."""
        if x is None or isinstance(x, (str, bytes)):
            return x
        value = x.value if isinstance(x, Tensor) else xp.asarray(x)
        kind = value.dtype.kind
        if self.dtype == "string" or value.dtype == self.dtype or \
                xp.dtype(self.dtype).kind != "f" or kind not in "fiub" \
                or (kind != "f" and self._keeps_int_inputs):
            return x if isinstance(x, Tensor) else Tensor(value)
        if isinstance(x, Tensor) and x.requires_grad:
            return cast(x, self.dtype)
        return Tensor(value.astype(self.dtype))

    # -- configuration -------------------------------------------------------------------
    def get_config(self) -> dict:
        """The arguments that rebuild this layer with ``from_config``.

        A subclass that overrides this gets the base config (``name``, ``trainable``,
        ``dtype``) from ``super().get_config()``. A custom subclass that does not override it
        gets, as in Keras 3, the arguments it was constructed with as well (see
        :mod:`keraslite.layers.auto_config`).

        Raises:
            NotImplementedError: for a custom class without ``get_config`` whose constructor
                arguments are not basic JSON types.

        """
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable,
                                  "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        if type(self).get_config is Layer.get_config and "_auto_config" in self.__dict__:
            extra = {}
            if self.activity_regularizer is not None:
                extra["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
            return complete_config(self, config, extra)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """Create a layer from the output of :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _warn_untracked(layer: Layer, variable: Variable) -> None:
    """A ``tf.Variable`` set as a layer attribute is no weight in Keras 3: say so once."""
    if variable.trainable:
        warnings.warn(
            f"Layer '{layer.name}' holds the tf.Variable '{variable.name}' as an attribute. As "
            "in Keras 3, it is not one of the layer's weights: fit() will not train it and "
            "model.save() will not save it. Create it with self.add_weight(...) instead.",
            KerasliteWarning, stacklevel=4)


def deprecated_input_shape(layer: Layer) -> None:
    """Warn once that ``input_shape=`` on a layer is the Keras 2 spelling."""
    deprecated(
        f"Passing `input_shape`/`input_dim` to layer '{layer.name}' is the Keras 2 style; in "
        "Keras 3 start the model with keras.Input(shape=...) instead. Received: "
        f"input_shape={layer._input_shape_arg[1:]}"
    )

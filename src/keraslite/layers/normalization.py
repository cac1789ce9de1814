"""Normalization layers: ``BatchNormalization`` and ``LayerNormalization``.

Arguments, defaults, weights (names and order) and configs follow Keras 3
(``keras/src/layers/normalization/``). Both train through the fused
:func:`keraslite.ops.normalization.normalize` (one graph node with a closed-form VJP); the other
paths compose ``keraslite.ops``.
"""

from __future__ import annotations

from typing import Any

from keraslite import constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import distribute, xp
from keraslite.layers.base import Layer
from keraslite.layers.kernels import BatchNormKernel
from keraslite.naming import deprecated
from keraslite.ops.normalization import normalize


def _check_axes(layer: Layer, axes: list, input_shape: tuple) -> None:
    ndim = len(input_shape)
    for axis in axes:
        if not -ndim <= axis < ndim:
            raise ValueError(
                f"Axis {axis} is out of bounds for input shape {tuple(input_shape)} of layer "
                f"'{layer.name}'. Received: axis={layer.axis}"
            )
        if input_shape[axis] is None:
            raise ValueError(
                f"Layer '{layer.name}' needs a known size along the normalized axis {axis}. "
                f"Received: input_shape={tuple(input_shape)}"
            )


class BatchNormalization(Layer):
    """Normalizes each feature with batch statistics in training and moving ones in inference.

    Training (``fit``, or ``training=True``), with μ_B and σ²_B the mean and biased variance of
    the batch over every axis but ``axis``::

        y = γ (x - μ_B) / √(σ²_B + ε) + β
        moving_mean     ← moving_mean · momentum + μ_B · (1 - momentum)
        moving_variance ← moving_variance · momentum + σ²_B · (1 - momentum)

    Inference (``predict``, ``evaluate``, ``training=False``, or ``trainable=False``)::

        y = γ (x - moving_mean) / √(moving_variance + ε) + β

    The moving statistics are non-trainable weights: the optimizer never touches them, the
    layer updates them itself in each training call. With ``renorm`` (batch renormalization,
    Ioffe 2017) the training output is corrected towards the moving statistics by r =
    σ_B / σ_moving and d = (μ_B - μ_moving) / σ_moving (clipped, no gradient):
    y = γ (x̂ r + d) + β.

    Args:
        axis: the feature axis (``-1``; ``1`` for channels-first images).
        momentum: the momentum of the moving averages.
        epsilon: ε, added to the variance.
        center: learn the offset β; scale: learn the scale γ.
        beta_initializer, gamma_initializer: defaults zeros, ones.
        moving_mean_initializer, moving_variance_initializer: defaults zeros, ones.
        beta_regularizer, gamma_regularizer: penalties added to the loss.
        beta_constraint, gamma_constraint: projections applied after each update.
        renorm: use batch renormalization; renorm_clipping: a dict with optional ``"rmax"``,
            ``"rmin"``, ``"dmax"``; renorm_momentum: the momentum of the renorm statistics.
        synchronized: in a data-parallel run (``keraslite.distribution.DataParallel`` under
            ``mpiexec``), compute the batch statistics over the whole global batch, across
            the MPI ranks; in one process there is nothing to synchronize.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Weights, in order: ``gamma``, ``beta`` (when enabled), ``moving_mean``,
    ``moving_variance`` (then ``moving_stddev``, ``renorm_mean``, ``renorm_stddev`` with
    ``renorm``), as in Keras' weights files.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False,
                 renorm_clipping: dict | None = None, renorm_momentum: float = 0.99,
                 synchronized: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            raise TypeError(
                "BatchNormalization normalizes one feature axis; expected an int such as -1. "
                f"Received: axis={axis!r}"
            )
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    "Supported values: ['rmax', 'rmin', 'dmax']."
                )
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            dmax = renorm_clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    f"Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    "dmax should be non-negative in the `renorm_clipping` argument. "
                    f"Received: dmax={dmax}."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        _check_axes(self, [self.axis], input_shape)
        ndim = len(input_shape)
        axis = self.axis % ndim
        shape = (input_shape[axis],)

        def weight(name: str, init: Any, trainable: bool, **extra: Any) -> Any:
            return self.add_weight(shape=shape, name=name, initializer=init,
                                   trainable=trainable, **extra)

        if self.scale:
            self.gamma = weight("gamma", self.gamma_initializer, True,
                                regularizer=self.gamma_regularizer,
                                constraint=self.gamma_constraint)
        if self.center:
            self.beta = weight("beta", self.beta_initializer, True,
                               regularizer=self.beta_regularizer,
                               constraint=self.beta_constraint)
        self.moving_mean = weight("moving_mean", self.moving_mean_initializer, False)
        self.moving_variance = weight("moving_variance", self.moving_variance_initializer, False)
        if self.renorm:
            def stddev_init(shape: tuple, dtype: Any = None) -> Any:
                return xp.sqrt(self.moving_variance_initializer(shape, dtype))

            self.moving_stddev = weight("moving_stddev", stddev_init, False)
            self.renorm_mean = weight("renorm_mean", self.moving_mean_initializer, False)
            self.renorm_stddev = weight("renorm_stddev", stddev_init, False)
        self._reduction_axes = tuple(d for d in range(ndim) if d != axis)
        self._param_shape = tuple(shape[0] if d == axis else 1 for d in range(ndim))
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None) -> Tensor:
        if not (training and self.trainable):
            return ops.batch_normalization(inputs, self.moving_mean, self.moving_variance,
                                           self.axis, offset=self.beta, scale=self.gamma,
                                           epsilon=self.epsilon)
        if mask is None and not self.renorm:
            synced = distribute.synchronized_normalize(  # hook: None in one process
                inputs, self._reduction_axes, self.gamma, self.beta, self.epsilon,
                self._param_shape) if self.synchronized else None
            out, mean, variance = synced if synced is not None else normalize(
                inputs, self._reduction_axes, self.gamma, self.beta, self.epsilon,
                self._param_shape)
            self._update(self.moving_mean, mean, self.momentum)
            self._update(self.moving_variance, variance, self.momentum)
            return out
        mean, variance = self._moments(inputs, mask)
        gamma, beta = self.gamma, self.beta
        if self.renorm:
            gamma, beta = self._renorm(mean.value, variance.value)
        else:
            self._update(self.moving_mean, mean.value, self.momentum)
            self._update(self.moving_variance, variance.value, self.momentum)
        return ops.batch_normalization(inputs, mean, variance, self.axis, offset=beta,
                                       scale=gamma, epsilon=self.epsilon)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for 2-D inputs normalized over the batch (``layers.kernels``)."""
        if self.renorm or self.axis not in (-1, 1) or self.moving_mean is None or \
                len(self._param_shape) != 2 or \
                (self.synchronized and distribute.get_strategy() is not None):
            return None  # (synchronized over workers: ``call``, on the tape)
        return BatchNormKernel(self)

    @staticmethod
    def _update(variable: Any, batch_value: Any, momentum: float) -> None:
        """Update in place: moving ← moving · momentum + batch · (1 - momentum)."""
        batch_value = xp.reshape(batch_value, variable.shape)
        variable.assign(variable.value * momentum + batch_value * (1.0 - momentum))

    def _moments(self, inputs: Any, mask: Any) -> tuple:
        """Batch mean and variance (Tensors of the feature shape), over the unmasked entries."""
        if mask is None:
            return ops.moments(inputs, self._reduction_axes)
        m = xp.asarray(getattr(mask, "value", mask))
        if m.ndim != inputs.ndim - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={m.shape}, inputs.shape={tuple(inputs.shape)}"
            )
        w = xp.broadcast_to(m[..., None], inputs.shape).astype(inputs.dtype)
        axes = self._reduction_axes
        total = xp.sum(w, axis=axes, keepdims=True) + 1e-7
        mean = ops.divide(ops.sum(ops.multiply(inputs, w), axis=axes, keepdims=True), total)
        sq = ops.square(ops.multiply(ops.subtract(inputs, mean), w))
        variance = ops.divide(ops.sum(sq, axis=axes, keepdims=True), total)
        shape = self.moving_mean.shape
        return ops.reshape(mean, shape), ops.reshape(variance, shape)

    def _renorm(self, mean: Any, variance: Any) -> tuple:
        """The renorm-corrected (γ, β) for batch statistics ``mean``, ``variance`` (arrays);
        also updates the renorm and moving statistics as Keras does.
        """
        eps = self.epsilon
        stddev = xp.sqrt(variance + eps)
        renorm_stddev = xp.maximum(self.renorm_stddev.value, xp.sqrt(xp.asarray(eps, mean.dtype)))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean.value) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = xp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = xp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = xp.clip(d, -clip["dmax"], clip["dmax"])
        if self.gamma is not None:
            gamma, beta = ops.multiply(r, self.gamma), ops.multiply(d, self.gamma)
        else:
            gamma, beta = Tensor(r), Tensor(d)
        if self.beta is not None:
            beta = ops.add(beta, self.beta)
        self._update(self.renorm_mean, mean, self.renorm_momentum)
        self._update(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update(self.moving_mean, mean, self.momentum)
        self._update(self.moving_stddev, stddev, self.momentum)
        new_stddev = self.moving_stddev.value
        self.moving_variance.assign(xp.maximum(new_stddev * new_stddev - eps, 0))
        return gamma, beta

    def compute_output_shape(self, input_shape: Any) -> Any:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {input_shape}. "
                f"Received: axis={self.axis}"
            )
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }


class LayerNormalization(Layer):
    """Normalizes each sample over its feature axes (the same in training and inference).

    With μ and σ² the mean and biased variance of one sample over ``axis``::

        y = γ (x - μ) / √(σ² + ε) + β

    γ and β have the shape of the normalized axes. Keras' deprecated ``rms_scaling=True``
    computes y = γ x / √(σ² + ε) instead (no centering, no β).

    Args:
        axis: the axis or list of axes to normalize over (``-1``).
        epsilon: ε, added to the variance.
        center: learn the offset β; scale: learn the scale γ.
        beta_initializer, gamma_initializer: defaults zeros and ones.
        beta_regularizer, gamma_regularizer: penalties added to the loss.
        beta_constraint, gamma_constraint: projections applied after each update.
        **kwargs: base layer arguments (``name``, ``dtype``, ...), and ``rms_scaling``.

    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            deprecated(
                "`rms_scaling=True` is deprecated in Keras 3: it scales by the variance, not by "
                "the root mean square. Use keras.layers.RMSNormalization for RMS normalization. "
                "Received: rms_scaling=True"
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis'. "
                f"Received: axis={axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        _check_axes(self, axes, input_shape)
        self.axis = axes
        shape = tuple(input_shape[d] for d in axes)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        return ops.layer_normalization(inputs, self.gamma, self.beta, self.axis, self.epsilon,
                                       rms_scaling=self.rms_scaling)

    def compute_output_shape(self, input_shape: Any) -> Any:
        ndim = len(input_shape)
        for axis in self.axis if isinstance(self.axis, list) else [self.axis]:
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"Axis {axis} is out of bounds for input shape {input_shape}. "
                    f"Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }

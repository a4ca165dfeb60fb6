"""LAMB / AdamW with linear warm-up then linear decay to zero, as ALBERT and BERT train.

LAMB (You et al., 2019, arXiv:1904.00962) is ALBERT's pre-training optimizer
(`keras.optimizers.Lamb`); AdamW is the usual fine-tuning choice. LayerNorm and bias
weights get no weight decay (google-research/albert `optimization.py`). ALBERT's
published rate, 0.00176 at batch 4096, diverges or stalls at small batches unless
scaled down (google-research/albert#111, #29): `lamb_learning_rate` applies the
square-root rule. `create_transformers_optimizer` is transformers' TF `create_optimizer`
(Adam / AdamWeightDecay with warm-up and polynomial decay), exported as
`albert_keras.create_optimizer`.
"""

import math
import re

import keras
from keras import ops

NO_DECAY = ("LayerNorm", "layer_norm", "bias")


@keras.saving.register_keras_serializable(package="albert_keras")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Rate rising linearly from 0 to `peak` over `warmup_steps`, then falling linearly to `end`.

    With `power` p the fall is polynomial, `end + (peak - end) * (1 - done) ** p`: the
    schedule of transformers' `create_optimizer` (Keras' PolynomialDecay after its
    linear `WarmUp`).

    Args:
        peak: float. The rate at the end of warm-up.
        total_steps: int. Steps of the whole run; the rate reaches `end` there.
        warmup_steps: int. Defaults to 0.
        end: float. Defaults to 0.0.
        power: float. Exponent of the decay. Defaults to 1.0 (linear).

    Example:
    >>> schedule = WarmupLinearDecay(1.0, total_steps=10, warmup_steps=2)
    >>> [round(float(schedule(s)), 3) for s in (0, 1, 2, 6, 10)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, peak, total_steps, warmup_steps=0, end=0.0, power=1.0):
        self.peak, self.total_steps = float(peak), int(total_steps)
        self.warmup_steps, self.end = int(warmup_steps), float(end)
        self.power = float(power)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warmup = ops.cast(max(self.warmup_steps, 1), "float32")
        decay_steps = ops.cast(max(self.total_steps - self.warmup_steps, 1), "float32")
        rising = self.peak * step / warmup
        done = ops.clip((step - self.warmup_steps) / decay_steps, 0.0, 1.0)
        if self.power == 1.0:
            falling = self.peak + (self.end - self.peak) * done
        else:
            falling = self.end + (self.peak - self.end) * (1.0 - done) ** self.power
        return ops.where(step < self.warmup_steps, rising, falling)

    def get_config(self):
        return {"peak": self.peak, "total_steps": self.total_steps,
                "warmup_steps": self.warmup_steps, "end": self.end, "power": self.power}


def lamb_learning_rate(batch_size, base_rate=0.00176, base_batch=4096):
    """ALBERT's LAMB rate scaled by sqrt(batch_size / 4096) (field notes, albert#111)."""
    return base_rate * math.sqrt(batch_size / base_batch)


def create_optimizer(name, learning_rate, total_steps, warmup_steps=None, weight_decay=0.01,
                     clipnorm=1.0):
    """LAMB or AdamW with the warm-up / linear-decay schedule and decay exclusions.

    Args:
        name: "lamb", "adamw" or "sgd" (momentum 0.9).
        learning_rate: float. Peak rate.
        total_steps: int. Length of the run in optimizer steps.
        warmup_steps: int. Defaults to 10% of `total_steps` (BERT's fine-tuning rule;
            ALBERT pre-training used 3,125 of 125,000).
        weight_decay: float. Defaults to 0.01.
        clipnorm: float or None. Per-variable gradient norm clip. Defaults to 1.0.
    """
    if warmup_steps is None:
        warmup_steps = int(0.1 * total_steps)
    schedule = WarmupLinearDecay(learning_rate, total_steps, warmup_steps)
    kwargs = {"learning_rate": schedule, "weight_decay": weight_decay, "clipnorm": clipnorm}
    if name == "lamb":
        optimizer = keras.optimizers.Lamb(epsilon=1e-6, **kwargs)
    elif name == "adamw":
        optimizer = keras.optimizers.AdamW(epsilon=1e-6, **kwargs)
    elif name == "sgd":  # plain momentum SGD: a baseline, and exact across replicas
        kwargs["weight_decay"] = weight_decay or None
        optimizer = keras.optimizers.SGD(momentum=0.9, **kwargs)
    else:
        raise ValueError(f"optimizer must be 'lamb', 'adamw' or 'sgd', got {name!r}")
    optimizer.exclude_from_weight_decay(var_names=list(NO_DECAY))
    return optimizer


@keras.saving.register_keras_serializable(package="albert_keras")
class WarmUp(keras.optimizers.schedules.LearningRateSchedule):
    """transformers' TF `WarmUp`: `initial_learning_rate * (step / warmup_steps) ** power`
    during warm-up, then `decay_schedule_fn(step - warmup_steps)`.

    Args:
        initial_learning_rate: float. The rate warm-up ends at.
        decay_schedule_fn: a schedule (callable on the step) used after warm-up.
        warmup_steps: int.
        power: float. Exponent of the warm-up. Defaults to 1.0 (linear).
        name: str. Accepted for transformers' signature. Defaults to None.

    Example:
    >>> decay = keras.optimizers.schedules.PolynomialDecay(1.0, decay_steps=8, end_learning_rate=0.0)
    >>> schedule = WarmUp(1.0, decay, warmup_steps=2)
    >>> [round(float(schedule(s)), 3) for s in (0, 1, 2, 6, 10)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_schedule_fn, warmup_steps, power=1.0,
                 name=None):
        super().__init__()
        self.initial_learning_rate, self.decay_schedule_fn = initial_learning_rate, decay_schedule_fn
        self.warmup_steps, self.power, self.name = warmup_steps, power, name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warmup = ops.cast(self.warmup_steps, "float32")
        done = step / ops.maximum(warmup, 1.0)
        rising = self.initial_learning_rate * ops.power(done, self.power)
        return ops.where(step < warmup, rising, self.decay_schedule_fn(step - warmup))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_schedule_fn": keras.saving.serialize_keras_object(self.decay_schedule_fn),
                "warmup_steps": self.warmup_steps, "power": self.power, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["decay_schedule_fn"] = keras.saving.deserialize_keras_object(
            config["decay_schedule_fn"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="albert_keras")
class AdamWeightDecay(keras.optimizers.AdamW):
    """transformers' TF `AdamWeightDecay` on Keras 3: AdamW, decay matched on variable paths.

    Same arguments as transformers' (`weight_decay_rate`, default 0.0: no decay).
    Keras matches `exclude_from_weight_decay(var_names=...)` against a variable's short
    name (`gamma`, `bias`), so "LayerNorm" never matches; transformers' `AdamWeightDecay`
    searches the full name. Here each pattern is searched in `variable.path`
    (`albert/embeddings/LayerNorm/gamma`); a match of `include_in_weight_decay` wins.

    Args:
        learning_rate: float or schedule. Defaults to 0.001.
        weight_decay_rate: float. Decoupled decay, `var -= lr * rate * var`. Defaults to 0.0.
        include_in_weight_decay: list of regex. Defaults to none.
        exclude_from_weight_decay: list of regex. Defaults to none.
        **kwargs: other `keras.optimizers.AdamW` arguments (`beta_1`, `epsilon`, `clipnorm`...).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay_rate=0.0, include_in_weight_decay=None,
                 exclude_from_weight_decay=None, name="AdamWeightDecay", **kwargs):
        kwargs.setdefault("weight_decay", weight_decay_rate)  # Keras' name (get_config)
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, **kwargs)
        self.exclude_patterns = list(exclude_from_weight_decay or ())
        self.include_patterns = list(include_in_weight_decay or ())

    @property
    def weight_decay_rate(self):
        """transformers' name for `weight_decay`."""
        return self.weight_decay

    def decays(self, path):
        """Whether the variable at `path` gets weight decay."""
        if any(re.search(p, path) for p in self.include_patterns):
            return True
        return not any(re.search(p, path) for p in self.exclude_patterns)

    def build(self, var_list):
        self.exclude_from_weight_decay(var_list=[v for v in var_list if not self.decays(v.path)])
        super().build(var_list)

    def get_config(self):
        return dict(super().get_config(), exclude_from_weight_decay=self.exclude_patterns,
                    include_in_weight_decay=self.include_patterns)


def create_transformers_optimizer(init_lr, num_train_steps, num_warmup_steps, min_lr_ratio=0.0,
                                  adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8,
                                  adam_clipnorm=None, adam_global_clipnorm=None,
                                  weight_decay_rate=0.0, power=1.0,
                                  include_in_weight_decay=None):
    """transformers' `create_optimizer` on Keras 3 (`albert_keras.create_optimizer`).

    Same arguments and return value as `transformers.create_optimizer` (4.x, TF):
    `(optimizer, lr_schedule)`. The schedule rises linearly to `init_lr` over
    `num_warmup_steps`, then decays as `PolynomialDecay(power)` to
    `init_lr * min_lr_ratio` at `num_train_steps`. The optimizer is Keras 3 `Adam`, or
    with `weight_decay_rate > 0` an AdamW that skips LayerNorm and bias weights
    (`AdamWeightDecay`; transformers' decoupled decay, `var -= lr * rate * var`).

    Example:
    >>> optimizer, schedule = create_transformers_optimizer(1e-3, 100, 10)
    >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 55, 100)]
    [0.0, 0.0005, 0.001, 0.0005, 0.0]
    """
    schedule = WarmupLinearDecay(init_lr, num_train_steps, num_warmup_steps,
                                 end=init_lr * min_lr_ratio, power=power)
    kwargs = {"learning_rate": schedule, "beta_1": adam_beta1, "beta_2": adam_beta2,
              "epsilon": adam_epsilon, "clipnorm": adam_clipnorm,
              "global_clipnorm": adam_global_clipnorm}
    if weight_decay_rate > 0.0:
        optimizer = AdamWeightDecay(weight_decay_rate=weight_decay_rate,
                                    exclude_from_weight_decay=["LayerNorm", "layer_norm", "bias"],
                                    include_in_weight_decay=include_in_weight_decay, **kwargs)
    else:
        optimizer = keras.optimizers.Adam(**kwargs)
    return optimizer, schedule

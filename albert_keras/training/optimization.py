"""LAMB / AdamW with linear warm-up then linear decay to zero, as ALBERT and BERT train.

LAMB (You et al., 2019, arXiv:1904.00962) is ALBERT's pre-training optimizer
(`keras.optimizers.Lamb`); AdamW is the usual fine-tuning choice. LayerNorm and bias
weights get no weight decay (google-research/albert `optimization.py`). ALBERT's
published rate, 0.00176 at batch 4096, diverges or stalls at small batches unless
scaled down (google-research/albert#111, #29): `lamb_learning_rate` applies the
square-root rule.
"""

import math

import keras
from keras import ops

NO_DECAY = ("LayerNorm", "layer_norm", "bias")


@keras.saving.register_keras_serializable(package="albert_keras")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Rate rising linearly from 0 to `peak` over `warmup_steps`, then falling linearly to `end`.

    Args:
        peak: float. The rate at the end of warm-up.
        total_steps: int. Steps of the whole run; the rate reaches `end` there.
        warmup_steps: int. Defaults to 0.
        end: float. Defaults to 0.0.

    Example:
    >>> schedule = WarmupLinearDecay(1.0, total_steps=10, warmup_steps=2)
    >>> [round(float(schedule(s)), 3) for s in (0, 1, 2, 6, 10)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, peak, total_steps, warmup_steps=0, end=0.0):
        self.peak, self.total_steps = float(peak), int(total_steps)
        self.warmup_steps, self.end = int(warmup_steps), float(end)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warmup = ops.cast(max(self.warmup_steps, 1), "float32")
        decay_steps = ops.cast(max(self.total_steps - self.warmup_steps, 1), "float32")
        rising = self.peak * step / warmup
        done = ops.clip((step - self.warmup_steps) / decay_steps, 0.0, 1.0)
        falling = self.peak + (self.end - self.peak) * done
        return ops.where(step < self.warmup_steps, rising, falling)

    def get_config(self):
        return {"peak": self.peak, "total_steps": self.total_steps,
                "warmup_steps": self.warmup_steps, "end": self.end}


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

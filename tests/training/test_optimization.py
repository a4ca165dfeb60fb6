"""Warm-up + linear decay, the LAMB rate rule, and decay exclusions."""

import keras
import numpy as np
import pytest

from albert_keras.training import optimization as opt


def test_schedule_shape_and_serialization():
    schedule = opt.WarmupLinearDecay(2.0, total_steps=110, warmup_steps=10)
    values = [float(schedule(s)) for s in (0, 5, 10, 60, 110, 200)]
    np.testing.assert_allclose(values, [0.0, 1.0, 2.0, 1.0, 0.0, 0.0], atol=1e-6)
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert float(again(60)) == pytest.approx(1.0)


def test_lamb_rate_scales_with_sqrt_batch():
    assert opt.lamb_learning_rate(4096) == pytest.approx(0.00176)
    assert opt.lamb_learning_rate(256) == pytest.approx(0.00176 / 4)


def test_create_optimizer():
    lamb = opt.create_optimizer("lamb", 1e-3, total_steps=100)
    assert isinstance(lamb, keras.optimizers.Lamb)
    assert float(lamb.learning_rate) == 0.0  # step 0 of the warm-up
    adamw = opt.create_optimizer("adamw", 1e-3, total_steps=100, warmup_steps=0)
    assert isinstance(adamw, keras.optimizers.AdamW)
    bias, layer_norm, kernel = (keras.Variable(np.ones(3), name=n) for n in
                                ("bias", "LayerNorm_gamma", "kernel"))
    assert not adamw._use_weight_decay(bias) and not adamw._use_weight_decay(layer_norm)
    assert adamw._use_weight_decay(kernel)
    with pytest.raises(ValueError, match="lamb"):
        opt.create_optimizer("rmsprop", 1e-3, 10)

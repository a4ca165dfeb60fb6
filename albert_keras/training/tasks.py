"""The old address of `albert_keras.training.finetune_tasks`: importing it gives that module."""

import sys

from albert_keras.training import finetune_tasks

sys.modules[__name__] = finetune_tasks

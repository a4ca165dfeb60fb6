"""`python -m albert_keras.training pretrain|finetune ...` (the same flags as `albert-keras`)."""

import sys

from albert_keras.training.cli import main

if __name__ == "__main__":
    sys.exit(main())

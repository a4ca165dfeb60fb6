"""`python -m albert_keras.training pretrain|finetune ...` (the same flags as `albert-keras`)."""

import logging
import sys

from albert_keras.training.cli import main

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())

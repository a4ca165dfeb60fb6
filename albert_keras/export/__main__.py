"""`python -m albert_keras.export saved-model|tflite MODEL_DIR OUT --task TASK ...`."""

import sys

from .cli import main

sys.exit(main())

"""Pre-training and fine-tuning on `model.fit`, on one device or many.

Package index:
- `optimization`: LAMB / AdamW with linear warm-up and linear decay; the sqrt batch rule for LAMB's rate.
- `pretrain`: pre-training AlbertForPreTraining from TFRecord shards (`pretrain()` and its steps), resumable.
- `pretraining_model`: `AlbertPretrainingModel`, AlbertForPreTraining with MLM / SOP metrics and the masked-LM head at the scored positions only.
- `masked_accuracy`: `MaskedAccuracy`, accuracy over the labels that are not -100.
- `finetune`: fine-tuning and official scoring per task (sst2 and GLUE, squad, ner, mc).
- `finetune_tasks`: per task, which head it trains, how its data is read, and its official dev
  score (`tasks`, its old address, imports the same module).
- `data_files`: a task's train and dev files (explicit files, --data-dir, $ALBERT_KERAS_DATA), checked before TensorFlow loads.
- `arguments`: positive counts and a finite positive learning rate, for the API and the command line.
- `callbacks`: atomic, checksummed backups that record the run's arguments; a stop on a NaN loss;
  the epoch timer that survives a resumed run.
- `distribute`: the tf.distribute strategy from flags and TF_CONFIG (Mirrored, MultiWorker, TPU).
- `reporting`: the metrics CSV log and the PNG plot of the training curves.
- `tiny`: the `--tiny` setting (a tiny config, a SentencePiece model trained on the task's text).
- `cli`: `pretrain` / `finetune` subcommands (`add_parsers`, `run`); `python -m albert_keras.training`.
"""

"""albert_keras.export: TF Serving SavedModels and quantized TFLite files, each verified against its Keras model."""

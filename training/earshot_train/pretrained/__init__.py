"""Pretrained AudioSet networks (YAMNet, EfficientAT mn04_as) read from ../shared and converted to ONNX at set-up."""

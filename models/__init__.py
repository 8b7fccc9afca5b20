"""Architectures, data, committed weights and the one registry (training lives in train/)."""
from models.registry import (ChecksumError, class_names, load_pretrained, metadata, model_names,
                             parameter_count, title)

__all__ = ["ChecksumError", "class_names", "load_pretrained", "metadata", "model_names",
           "parameter_count", "title"]

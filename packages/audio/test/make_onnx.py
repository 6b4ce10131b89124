"""Builds tiny ONNX models for the OnnxExpert tests: python3 make_onnx.py OUT_DIR (weights are fixed formulas)."""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/{name}")


# Frame-wise: [N, 64] @ W[64, 8], W[i, j] = (i - j) / 100.
w = np.fromfunction(lambda i, j: (i - j) / 100.0, (64, 8)).astype(np.float32)
save(
    helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])],
        "framewise",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8])],
        [numpy_helper.from_array(w, "W")],
    ),
    "framewise.onnx",
)

# VGGish-shaped: [N, 96, 64] -> mean over time -> [N, 64] @ V[64, 4], V[i, j] = 1 if i % 4 == j.
v = np.fromfunction(lambda i, j: (i % 4 == j), (64, 4)).astype(np.float32)
save(
    helper.make_graph(
        [
            helper.make_node("ReduceMean", ["x"], ["m"], axes=[1], keepdims=0),
            helper.make_node("MatMul", ["m", "V"], ["y"]),
        ],
        "examples",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 96, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
        [numpy_helper.from_array(v, "V")],
    ),
    "examples.onnx",
)

# A head over 96-d speech embeddings: [N, 96] @ U[96, 4], U[i, j] = 1 / 96.
u = np.full((96, 4), 1 / 96, dtype=np.float32)
save(
    helper.make_graph(
        [helper.make_node("MatMul", ["x", "U"], ["y"])],
        "speechhead",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 96])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
        [numpy_helper.from_array(u, "U")],
    ),
    "speechhead.onnx",
)

"""A minimal reader of TensorFlow Lite model files (FlatBuffers binary, TFLite schema v3).

Written from the FlatBuffers wire format and the published TFLite schema field order, reading only what the
converters here need: tensors (shape, type, buffer, quantization), buffers, operator codes, operators and the
scalar fields of their builtin options. No TensorFlow, no flatbuffers package.

FlatBuffers layout: every offset is little-endian; a table starts with an int32 soffset back to its vtable; the
vtable is uint16 [vtable bytes, table bytes, field offsets...]; a field offset of 0 means "absent, use the
default". Reference fields (tables, vectors, strings) hold a uint32 offset relative to the field's own position;
a vector is a uint32 length followed by its elements.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

# TensorType enum (schema order).
TENSOR_DTYPES = {
    0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64,
    6: np.bool_, 7: np.int16, 8: np.complex64, 9: np.int8,
}  # fmt: skip
# The BuiltinOperator codes the converters meet; others are reported by number.
BUILTIN_NAMES = {
    3: "CONV_2D",
    4: "DEPTHWISE_CONV_2D",
    6: "DEQUANTIZE",
    9: "FULLY_CONNECTED",
    14: "LOGISTIC",
    22: "RESHAPE",
    40: "MEAN",
    45: "STRIDED_SLICE",
}
# Field indices in the schema's tables.
MODEL_OPCODES, MODEL_SUBGRAPHS, MODEL_BUFFERS = 1, 2, 4
OPCODE_DEPRECATED_BUILTIN, OPCODE_BUILTIN = 0, 3
SUBGRAPH_TENSORS, SUBGRAPH_INPUTS, SUBGRAPH_OUTPUTS, SUBGRAPH_OPERATORS = 0, 1, 2, 3
TENSOR_SHAPE, TENSOR_TYPE, TENSOR_BUFFER, TENSOR_NAME, TENSOR_QUANT = 0, 1, 2, 3, 4
QUANT_SCALE, QUANT_ZERO_POINT, QUANT_DIMENSION = 2, 3, 6
OP_OPCODE, OP_INPUTS, OP_OUTPUTS, OP_OPTIONS = 0, 1, 2, 4
BUFFER_DATA = 0


class FlatBufferError(ValueError):
    pass


class Table:
    """One FlatBuffers table: typed access to its fields by schema index."""

    def __init__(self, buf: bytes, pos: int):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        if not 0 <= vtable < len(buf) - 4:
            raise FlatBufferError(f"vtable of the table at {pos} lies outside the file")
        self.vtable = vtable
        self.vtable_len = struct.unpack_from("<H", buf, vtable)[0]

    def _field(self, index: int) -> int:
        """Absolute position of field `index`, or 0 when it is absent."""
        slot = 4 + 2 * index
        if slot >= self.vtable_len:
            return 0
        rel = struct.unpack_from("<H", self.buf, self.vtable + slot)[0]
        return self.pos + rel if rel else 0

    def scalar(self, index: int, fmt: str, default=0):
        at = self._field(index)
        return struct.unpack_from("<" + fmt, self.buf, at)[0] if at else default

    def _deref(self, at: int) -> int:
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, index: int) -> Table | None:
        at = self._field(index)
        return Table(self.buf, self._deref(at)) if at else None

    def _vector(self, index: int) -> tuple[int, int] | None:
        at = self._field(index)
        if not at:
            return None
        start = self._deref(at)
        return start + 4, struct.unpack_from("<I", self.buf, start)[0]

    def tables(self, index: int) -> list[Table]:
        vec = self._vector(index)
        if vec is None:
            return []
        start, n = vec
        return [Table(self.buf, self._deref(start + 4 * i)) for i in range(n)]

    def array(self, index: int, dtype) -> np.ndarray:
        vec = self._vector(index)
        if vec is None:
            return np.zeros(0, dtype=dtype)
        start, n = vec
        return np.frombuffer(self.buf, dtype=np.dtype(dtype).newbyteorder("<"), count=n, offset=start)

    def string(self, index: int) -> str:
        vec = self._vector(index)
        if vec is None:
            return ""
        start, n = vec
        return self.buf[start : start + n].decode("utf-8")


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: type
    data: np.ndarray | None  # raw stored values (None for activations)
    scale: np.ndarray
    zero_point: np.ndarray
    quantized_dimension: int

    def values(self) -> np.ndarray:
        """The stored constant as float32, dequantized per channel when it is int8/uint8."""
        if self.data is None:
            raise FlatBufferError(f"tensor {self.name!r} holds no constant data")
        if self.dtype in (np.int8, np.uint8) and self.scale.size:
            shape = [1] * len(self.shape)
            shape[self.quantized_dimension] = -1
            scale = self.scale.reshape(shape if self.scale.size > 1 else [1]).astype(np.float64)
            zero = self.zero_point.reshape(shape if self.zero_point.size > 1 else [1]).astype(np.float64)
            if not self.zero_point.size:
                zero = np.zeros(1)
            return ((self.data.astype(np.float64) - zero) * scale).astype(np.float32)
        return self.data.astype(np.float32)


@dataclass
class Operator:
    name: str
    inputs: list[int]
    outputs: list[int]
    options: Table | None

    def option(self, index: int, fmt: str, default=0):
        return self.options.scalar(index, fmt, default) if self.options else default


class TFLiteModel:
    """The first subgraph of a .tflite file: its tensors (constants materialised) and operators in order."""

    def __init__(self, data: bytes):
        if len(data) < 8 or data[4:8] != b"TFL3":
            raise FlatBufferError("not a TFLite v3 flatbuffer (file identifier TFL3 missing)")
        root = Table(data, struct.unpack_from("<I", data, 0)[0])
        buffers = [b.array(BUFFER_DATA, np.uint8) for b in root.tables(MODEL_BUFFERS)]
        opcodes = []
        for code in root.tables(MODEL_OPCODES):
            # Codes above 127 live in the int field; the byte field keeps the legacy value (capped at 127).
            builtin = max(code.scalar(OPCODE_DEPRECATED_BUILTIN, "b"), code.scalar(OPCODE_BUILTIN, "i"))
            opcodes.append(BUILTIN_NAMES.get(builtin, f"BUILTIN_{builtin}"))
        subgraphs = root.tables(MODEL_SUBGRAPHS)
        if not subgraphs:
            raise FlatBufferError("the model holds no subgraph")
        graph = subgraphs[0]
        self.tensors: list[Tensor] = []
        for i, t in enumerate(graph.tables(SUBGRAPH_TENSORS)):
            shape = tuple(int(d) for d in t.array(TENSOR_SHAPE, np.int32))
            type_code = t.scalar(TENSOR_TYPE, "b")
            if type_code not in TENSOR_DTYPES:
                raise FlatBufferError(f"tensor {i}: unsupported type {type_code}")
            dtype = TENSOR_DTYPES[type_code]
            raw = buffers[t.scalar(TENSOR_BUFFER, "I")] if buffers else np.zeros(0, np.uint8)
            data = None
            if raw.size:
                data = np.frombuffer(raw.tobytes(), dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)
            q = t.table(TENSOR_QUANT)
            scale = q.array(QUANT_SCALE, np.float32) if q else np.zeros(0, np.float32)
            zero = q.array(QUANT_ZERO_POINT, np.int64) if q else np.zeros(0, np.int64)
            qdim = q.scalar(QUANT_DIMENSION, "i") if q else 0
            self.tensors.append(Tensor(i, t.string(TENSOR_NAME), shape, dtype, data, scale, zero, qdim))
        self.inputs = [int(i) for i in graph.array(SUBGRAPH_INPUTS, np.int32)]
        self.outputs = [int(i) for i in graph.array(SUBGRAPH_OUTPUTS, np.int32)]
        self.operators = [
            Operator(
                opcodes[op.scalar(OP_OPCODE, "I")],
                [int(i) for i in op.array(OP_INPUTS, np.int32)],
                [int(i) for i in op.array(OP_OUTPUTS, np.int32)],
                op.table(OP_OPTIONS),
            )
            for op in graph.tables(SUBGRAPH_OPERATORS)
        ]

    @classmethod
    def load(cls, path) -> TFLiteModel:
        with open(path, "rb") as f:
            return cls(f.read())

    def constant(self, index: int) -> np.ndarray:
        """A constant input as float32, following a DEQUANTIZE op when the weights are stored that way."""
        t = self.tensors[index]
        if t.data is None:
            for op in self.operators:
                if op.name == "DEQUANTIZE" and op.outputs == [index]:
                    return self.constant(op.inputs[0])
        return t.values()

    def op_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for op in self.operators:
            counts[op.name] = counts.get(op.name, 0) + 1
        return counts

#!/usr/bin/env python3
"""Writes the Parquet inputs of the bad-input corpus (cases-parquet.toml): one folder
tests/bad-input/analyze-parquet-<kind>/ per Arrow column type, each with a payroll.parquet.

Pay kinds: a column `pay` of that type (values 100, 250, 400, 975.5 where the type allows),
plus a text column `g`. Group kinds: `pay` float64 and a column `g` of that type.

The files are deterministic (no statistics timestamps, fixed writer settings), so running the
script again rewrites the same bytes for a given pyarrow version. Needs pyarrow
(`pip install pyarrow`). Run it from anywhere: python3 tests/bad-input/parquet-cases.py
"""

import datetime
import decimal
import os
import struct

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))

PAY = [100, 250, 400, 975.5]
INT_PAY = [100, 250, 400, 975]
SMALL_PAY = [10, 25, 40, 97]  # fits int8
GROUPS = ["north", "south", "north", "south"]


def float16(values):
    """A float16 array built from its bytes (pa.array would need numpy for np.float16)."""
    data = struct.pack(f"<{len(values)}e", *values)
    return pa.Array.from_buffers(pa.float16(), len(values), [None, pa.py_buffer(data)])


def dec(values, scale):
    q = decimal.Decimal(1).scaleb(-scale)
    return [decimal.Decimal(str(v)).quantize(q) for v in values]


def pay_cases():
    cases = {
        "decimal128-12-2": pa.array(dec(PAY, 2), pa.decimal128(12, 2)),
        "decimal128-38-10": pa.array(dec(PAY, 10), pa.decimal128(38, 10)),
        "int8": pa.array(SMALL_PAY, pa.int8()),
        "int16": pa.array(INT_PAY, pa.int16()),
        "uint8": pa.array([100, 250, 40, 97], pa.uint8()),
        "uint16": pa.array(INT_PAY, pa.uint16()),
        "uint32": pa.array(INT_PAY, pa.uint32()),
        "uint64": pa.array(INT_PAY, pa.uint64()),
        "float16": float16(PAY),
        "float32": pa.array(PAY, pa.float32()),
        "string-numbers": pa.array([str(v) for v in PAY], pa.string()),
        "boolean": pa.array([True, True, False, True], pa.bool_()),
        "date32": pa.array(
            [datetime.date(2024, 1, d) for d in (1, 2, 3, 4)], pa.date32()
        ),
        "timestamp": pa.array(
            [datetime.datetime(2024, 1, d, 12, 0, 0) for d in (1, 2, 3, 4)],
            pa.timestamp("us"),
        ),
        "list-int64": pa.array([[100], [250, 1], [400], [975]], pa.list_(pa.int64())),
        "struct": pa.array(
            [{"amount": v, "currency": "EUR"} for v in PAY],
            pa.struct([("amount", pa.float64()), ("currency", pa.string())]),
        ),
    }
    # decimal256 is written by pyarrow (as a Parquet DECIMAL on a fixed-length byte array);
    # a precision above 38 keeps it decimal256 when read back.
    try:
        cases["decimal256-50-2"] = pa.array(dec(PAY, 2), pa.decimal256(50, 2))
    except (pa.ArrowNotImplementedError, AttributeError):
        pass
    return {f"pay-{k}": v for k, v in cases.items()}


def group_cases():
    cases = {
        "binary-utf8": pa.array([s.encode() for s in GROUPS], pa.binary()),
        "binary-non-utf8": pa.array([b"\xff\xfe", b"ok", b"\xff\xfe", b"ok"], pa.binary()),
        "list-string": pa.array([["a"], ["b", "c"], ["a"], []], pa.list_(pa.string())),
        "dictionary": pa.array(GROUPS, pa.string()).dictionary_encode(),
        "large-string": pa.array(GROUPS, pa.large_string()),
        "int8": pa.array([-7, 13, -7, 13], pa.int8()),
        "boolean": pa.array([True, False, True, False], pa.bool_()),
    }
    return {f"group-{k}": v for k, v in cases.items()}


def write(kind, table):
    folder = os.path.join(HERE, f"analyze-parquet-{kind}")
    os.makedirs(folder, exist_ok=True)
    pq.write_table(
        table,
        os.path.join(folder, "payroll.parquet"),
        compression="snappy",
    )
    back = pq.read_table(os.path.join(folder, "payroll.parquet"))
    print(f"analyze-parquet-{kind}: {back.schema.field(0).type}, {back.schema.field(1).type}")


def main():
    for kind, pay in pay_cases().items():
        write(kind, pa.table({"pay": pay, "g": pa.array(GROUPS)}))
    for kind, g in group_cases().items():
        write(kind, pa.table({"pay": pa.array(PAY, pa.float64()), "g": g}))


if __name__ == "__main__":
    main()

"""Avro single-object encoding (wsol-stream's default wire format) with Debian's python3-avro.

A record on a wsol topic is C3 01, then the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
schema's Parsing Canonical Form, then the Avro binary body. Copy this file next to your code.
decode_registry reads the other mode (wire.format=registry): 00, 4-byte schema id, body.
"""
import io
import json
import os
import urllib.request

import avro.io
import avro.name
import avro.schema

SCHEMAS = os.environ.get("WSOL_SCHEMAS", os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "avro"))
# Named types that other schemas refer to must be parsed before them; the rest follow in name order.
FIRST = ["Box", "GroundTruth", "ClassBox"]
MAGIC = b"\xc3\x01"

_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
    _TABLE.append(fp)


def crc64_avro(data: bytes) -> int:
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def _primitives(j):
    # python3-avro 1.11 keeps {"type": "long"} where a logical type was; the canonical form says "long".
    if isinstance(j, dict):
        if set(j) == {"type"} and isinstance(j["type"], str):
            return j["type"]
        return {k: _primitives(v) for k, v in j.items()}
    if isinstance(j, list):
        return [_primitives(v) for v in j]
    return j


def fingerprint(schema) -> bytes:
    canonical = json.dumps(_primitives(schema.to_canonical_json()), separators=(",", ":"))
    return crc64_avro(canonical.encode("utf-8")).to_bytes(8, "little")


def load_schemas(folder=SCHEMAS):
    """Every schema of the pipeline by short name, e.g. schemas["ImageEvent"]."""
    names, out = avro.name.Names(), {}
    rest = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".avsc") and f[:-5] not in FIRST)
    for n in FIRST + rest:
        with open(os.path.join(folder, n + ".avsc")) as f:
            out[n] = avro.schema.make_avsc_object(json.load(f), names)
    return out


def encode(schema, record: dict) -> bytes:
    buf = io.BytesIO()
    buf.write(MAGIC + fingerprint(schema))
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


def decode(schema, data: bytes) -> dict:
    if data[:2] != MAGIC:
        raise ValueError("not Avro single-object encoding (does the topic use wire.format=registry?)")
    if data[2:10] != fingerprint(schema):
        raise ValueError("written with another %s schema (fingerprint %s): update schemas/" % (schema.name, data[2:10].hex()))
    return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))


_registry_schemas = {}


def decode_registry(data: bytes, registry_url: str, reader=None) -> dict:
    """Confluent wire format: the writer schema comes from the registry's /schemas/ids/{id}."""
    if len(data) < 5 or data[0] != 0:
        raise ValueError("not the Confluent wire format (00 + schema id): does the topic use wire.format=single-object?")
    key = (registry_url, int.from_bytes(data[1:5], "big"))
    if key not in _registry_schemas:
        with urllib.request.urlopen("%s/schemas/ids/%d" % (registry_url.rstrip("/"), key[1]), timeout=10) as r:
            _registry_schemas[key] = avro.schema.parse(json.load(r)["schema"])
    return avro.io.DatumReader(_registry_schemas[key], reader).read(avro.io.BinaryDecoder(io.BytesIO(data[5:])))

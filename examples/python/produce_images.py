#!/usr/bin/python3
"""Sends every image in a folder to wsol-stream's `images` topic as ImageEvent records.

    /usr/bin/python3 produce_images.py --bootstrap 127.0.0.1:9092 ~/photos
    /usr/bin/python3 produce_images.py --out event.avro photo.jpg    # bytes only, e.g. for kcat -P
"""
import argparse
import datetime
import os
import sys

from wsol_avro import encode, load_schemas

IMAGES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


def image_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in sorted(os.walk(p)):
                yield from (os.path.join(root, f) for f in sorted(files) if f.lower().endswith(IMAGES))
        else:
            yield p


def event(path, top_k):
    with open(path, "rb") as f:
        data = f.read()
    return {"id": os.path.splitext(os.path.basename(path))[0], "image_bytes": data, "image_uri": None,
            "top_k": top_k, "ground_truth": None, "source_name": os.path.basename(path),
            "produced_at": datetime.datetime.now(datetime.timezone.utc)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", help="image files or folders")
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="images")
    ap.add_argument("--top-k", type=int, default=5, help="classes to localise per image")
    ap.add_argument("--out", help="write the encoded record of the (single) image to this file instead")
    a = ap.parse_args()
    schema = load_schemas()["ImageEvent"]
    files = list(image_files(a.paths))
    if a.out:
        with open(a.out, "wb") as f:
            f.write(encode(schema, event(files[0], a.top_k)))
        return
    from confluent_kafka import Producer
    producer = Producer({"bootstrap.servers": a.bootstrap, "message.max.bytes": 20_000_000})
    failed = []
    for path in files:
        e = event(path, a.top_k)
        producer.produce(a.topic, key=e["id"], value=encode(schema, e),
                         on_delivery=lambda err, msg: err and failed.append(err))
        producer.poll(0)
        print("sent", e["id"])
    producer.flush(30)
    if failed:
        sys.exit("failed: %s" % failed[0])


if __name__ == "__main__":
    main()

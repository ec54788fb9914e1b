#!/usr/bin/python3
"""Prints the boxes of wsol-stream's results as they arrive (LocalizationResult records).

    /usr/bin/python3 print_results.py --bootstrap 127.0.0.1:9092 [--count 3] [--timeout 60]
"""
import argparse
import sys
import uuid

from confluent_kafka import Consumer

from wsol_avro import decode, load_schemas


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="results")
    ap.add_argument("--count", type=int, default=0, help="stop after this many results (0: run until Ctrl-C)")
    ap.add_argument("--timeout", type=float, default=0, help="give up after this many seconds without a result")
    a = ap.parse_args()
    schema = load_schemas()["LocalizationResult"]
    consumer = Consumer({"bootstrap.servers": a.bootstrap, "group.id": "print-results-" + uuid.uuid4().hex,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([a.topic])
    seen = 0
    try:
        while a.count == 0 or seen < a.count:
            msg = consumer.poll(a.timeout or 1.0)
            if msg is None:
                if a.timeout:
                    sys.exit("no result within %.0f s" % a.timeout)
                continue
            if msg.error():
                sys.exit(str(msg.error()))
            r = decode(schema, msg.value())
            seen += 1
            print("%s %dx%d%s" % (r["image_id"], r["original_width"], r["original_height"],
                                  "" if r["complete"] else " (incomplete)"))
            for b in r["boxes"]:
                box = b["box"]
                where = "no object found" if box is None else "box x %d-%d, y %d-%d" % (
                    box["x_min"], box["x_max"], box["y_min"], box["y_max"])
                print("  #%d %s (%.2f): %s" % (b["rank"], b["class_label"], b["score"], where))
            sys.stdout.flush()
    finally:
        consumer.close()


if __name__ == "__main__":
    main()

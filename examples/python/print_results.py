#!/usr/bin/python3
"""Prints the boxes of wsol-stream's results as they arrive (LocalizationResult records).

    /usr/bin/python3 print_results.py --bootstrap 127.0.0.1:9092            # until Ctrl-C
    /usr/bin/python3 print_results.py --timeout 60 hot_dog cat_720p          # until these two are done
    /usr/bin/python3 print_results.py --registry http://registry:8080/apis/ccompat/v7   # wire.format=registry
"""
import argparse
import sys
import time
import uuid

from confluent_kafka import Consumer

from wsol_avro import decode, decode_registry, load_schemas


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="results")
    ap.add_argument("--registry", help="schema registry URL when the services run with wire.format=registry")
    ap.add_argument("ids", nargs="*", help="print only these images' results, and stop when all have come")
    ap.add_argument("--timeout", type=float, default=0,
                    help="stop after this many seconds (exit 1 if some of the ids are still missing)")
    a = ap.parse_args()
    waiting = set(a.ids)
    deadline = time.monotonic() + a.timeout
    schema = load_schemas()["LocalizationResult"]
    consumer = Consumer({"bootstrap.servers": a.bootstrap, "group.id": "print-results-" + uuid.uuid4().hex,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([a.topic])
    try:
        while not a.ids or waiting:
            if a.timeout and time.monotonic() > deadline:
                if waiting:
                    sys.exit("no result within %.0f s for %s" % (a.timeout, ", ".join(sorted(waiting))))
                break
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                sys.exit(str(msg.error()))
            value = msg.value()
            r = decode_registry(value, a.registry, schema) if a.registry else decode(schema, value)
            if a.ids and r["image_id"] not in a.ids:
                continue
            waiting.discard(r["image_id"])
            if r.get("status") == "rejected":  # a stage refused the image: no box will come
                print("%s rejected by %s: %s" % (r["image_id"], r["rejection"]["stage"], r["rejection"]["reason"]))
                continue
            print("%s %dx%d%s" % (r["image_id"], r["original_width"], r["original_height"],
                                  "" if r["complete"] else " (incomplete)"))
            for b in r["boxes"]:
                box = b["box"]
                where = "no object found" if box is None else "box x %d-%d, y %d-%d" % (
                    box["x_min"], box["x_max"], box["y_min"], box["y_max"])
                print("  #%d %s (%.2f): %s" % (b["rank"], b["class_label"], b["score"], where))
                # Each object found for the class, beside its main box (absent from records written before).
                for i in b.get("instances") or []:
                    ib = i["box"]
                    print("      object x %d-%d, y %d-%d (score %.2f, %.0f%% of the mask)" % (
                        ib["x_min"], ib["x_max"], ib["y_min"], ib["y_max"], i["score"], 100 * i["mask_share"]))
            sys.stdout.flush()
    finally:
        consumer.close()


if __name__ == "__main__":
    main()

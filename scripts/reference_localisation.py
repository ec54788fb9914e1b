#!/usr/bin/env python3
"""An independent reference of the localisation modes, in PyTorch and OpenCV, for checking `./wsol eval`.

    apt-get install python3-torch python3-opencv      # Debian's; run with /usr/bin/python3
    /usr/bin/python3 scripts/reference_localisation.py datasets/imagenet-val-29 [datasets/sample-photos ...]

Nothing here is shared with the Java code: PIL decodes and resizes (shorter side 256, bilinear), PyTorch autograd
gives the gradients through the bundled TorchScript model (its `features` method gives the class activation
maps), OpenCV's grabCut segments (one iteration, initialised from the mask: foreground seeds at or above the map's
95% quantile, background seeds at or below its 30% quantile, everything else probable background, which is
grabCut's colour models, segmenter.colour.models=grabcut), and OpenCV's connected components give the boxes.
Ten crops (4 corners + centre of 224 and their mirror images, maps placed back and averaged), classes ranked on
the crops' mean logits. Maps: grad = max over channels of |dS_c/dI| (the paper), cam = the class activation map
resized bilinearly to the crop, gcam = grad x max(cam, 0). Boxes: largest = the largest 8-connected foreground
component, extent = every component of at least 1% of the image. Only the true class's map is needed: a top-1 /
top-5 box is right when the true class is the top class / among the top 5 and its box has IoU >= 0.5 with a true
box; GT-known ignores the classes. Resizing and k-means differ from the Java pipeline's, so single images may
differ; used in issue 11 to choose what to build, and as a cross-check of the Java figures (BENCHMARKS.md).
"""
import collections
import csv
import os
import sys

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
MODEL = os.path.join(ROOT, 'services/saliency/src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')
SIZE = 224


def read(dataset):
    boxes = collections.defaultdict(list)
    with open(os.path.join(dataset, 'boxes.csv')) as f:
        for r in csv.DictReader(f):
            boxes[r['image']].append(tuple(int(r[k]) for k in ('xmin', 'ymin', 'xmax', 'ymax')))
    with open(os.path.join(dataset, 'images.csv')) as f:
        for r in csv.DictReader(f):
            name = r['image']
            path = os.path.normpath(os.path.join(dataset, name if name.startswith('..') else 'images/' + name))
            yield path, int(r['class_idx']), boxes[name]


def normalise(hwc):
    return torch.from_numpy((hwc.astype(np.float32) / 255 - 0.5) / 0.5).permute(2, 0, 1)


def ten_crops(img):
    h, w = img.shape[:2]
    inputs, where = [], []
    for x, y in ((0, 0), (w - SIZE, 0), (0, h - SIZE), (w - SIZE, h - SIZE), ((w - SIZE) // 2, (h - SIZE) // 2)):
        crop = img[y:y + SIZE, x:x + SIZE]
        inputs += [normalise(crop), normalise(crop[:, ::-1].copy())]
        where += [(x, y, False), (x, y, True)]
    return torch.stack(inputs), where


def maps(model, img, cls):
    """Top-5 classes and the true class's three maps, in the working image's frame."""
    x, where = ten_crops(img)
    x.requires_grad_(True)
    f = model.features(x)
    logits = model.fc(f.mean([2, 3]))
    logits[:, cls].sum().backward()
    grad = x.grad.abs().max(1).values.numpy()
    with torch.no_grad():
        cam = torch.einsum('k,nkij->nij', model.fc.weight[cls], f)
        cam = F.interpolate(cam[:, None], size=(SIZE, SIZE), mode='bilinear', align_corners=False)[:, 0].numpy()
    out = {}
    h, w = img.shape[:2]
    for name, per_crop in (('grad', grad), ('cam', cam), ('gcam', grad * np.maximum(cam, 0))):
        total, count = np.zeros((h, w)), np.zeros((h, w))
        for m, (x0, y0, mirrored) in zip(per_crop, where):
            total[y0:y0 + SIZE, x0:x0 + SIZE] += m[:, ::-1] if mirrored else m
            count[y0:y0 + SIZE, x0:x0 + SIZE] += 1
        out[name] = total / np.maximum(count, 1)
    return logits.detach().mean(0).topk(5).indices.tolist(), out


def grabcut(img, m):
    mask = np.full(m.shape, cv2.GC_PR_BGD, np.uint8)
    mask[m >= np.quantile(m, 0.95)] = cv2.GC_FGD
    mask[m <= np.quantile(m, 0.30)] = cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.grabCut(np.ascontiguousarray(img[:, :, ::-1]), mask, None, bgd, fgd, 1, cv2.GC_INIT_WITH_MASK)
    return (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)


def box(fg, extent):
    n, _, stats, _ = cv2.connectedComponentsWithStats(fg.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = [1 + int(areas.argmax())]
    if extent:
        keep = [i + 1 for i in range(n - 1) if areas[i] >= 0.01 * fg.size] or keep
    x0 = min(stats[i, 0] for i in keep)
    y0 = min(stats[i, 1] for i in keep)
    x1 = max(stats[i, 0] + stats[i, 2] for i in keep)
    y1 = max(stats[i, 1] + stats[i, 3] for i in keep)
    return x0, y0, x1, y1


def iou(a, b):
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def main(datasets):
    torch.set_num_threads(2)
    cv2.setRNGSeed(1)
    model = torch.jit.load(MODEL).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    for dataset in datasets:
        outcomes = collections.defaultdict(list)
        for path, cls, truth in read(dataset):
            im = Image.open(path).convert('RGB')
            w0, h0 = im.size
            s = 256 / min(w0, h0)
            w, h = max(256, round(w0 * s)), max(256, round(h0 * s))
            img = np.asarray(im.resize((w, h), Image.BILINEAR))
            top5, by_map = maps(model, img, cls)
            side = 0.5 ** 0.5
            centre = (w0 * (1 - side) / 2, h0 * (1 - side) / 2, w0 * (1 + side) / 2, h0 * (1 + side) / 2)
            found = {'centred box': centre}
            for name, m in by_map.items():
                fg = grabcut(img, m)
                for rule in ('largest', 'extent'):
                    b = box(fg, rule == 'extent')
                    found[name + ' ' + rule] = None if b is None else (
                        b[0] * w0 / w, b[1] * h0 / h, b[2] * w0 / w, b[3] * h0 / h)
            for k, b in found.items():
                right = b is not None and max(iou(b, t) for t in truth) >= 0.5
                outcomes[k].append((top5[0] == cls and right, cls in top5 and right, right))
        print(f'{os.path.basename(os.path.normpath(dataset))}: top-1 loc. err. / top-5 loc. err. / GT-known acc.')
        for k, o in outcomes.items():
            n = len(o)
            print(f'  {k:14s} {100 - 100 * sum(r[0] for r in o) / n:5.1f}% {100 - 100 * sum(r[1] for r in o) / n:5.1f}% '
                  f'{100 * sum(r[2] for r in o) / n:5.1f}%  (n={n})')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

# Diagnosis of imagenet-val-400 (issue 28): where and why each mode loses to the centred box.
import csv, collections, numpy as np, torch, cv2, json
from PIL import Image, ImageDraw
from common import *
ds = '../shared/benchmark/imagenet-val-400'
D = torch.load('wsol-out/diagnosis/val400.pt'); GT = boxes_of(ds); names = list(D)
info = {r['image']: r for r in csv.DictReader(open(ds + '/images.csv'))}
IMG = {n: np.asarray(Image.open(ds + '/images/' + n).convert('RGB')) for n in names}
cv2.setRNGSeed(1)
def grabcut(img, mask):
    bg = np.zeros((1, 65)); fg = np.zeros((1, 65))
    cv2.grabCut(np.ascontiguousarray(img[:, :, ::-1]), mask, None, bg, fg, 1, cv2.GC_INIT_WITH_MASK)
    return (mask == 1) | (mask == 3)
def quantile_cut(n, m, rule):
    mask = np.full(m.shape, cv2.GC_PR_BGD, np.uint8)
    mask[m >= np.quantile(m, 0.95)] = cv2.GC_FGD; mask[m <= np.quantile(m, 0.30)] = cv2.GC_BGD
    return box_from_mask(grabcut(IMG[n], mask), rule)
def massbox(m, p=0.05):
    m = np.maximum(m, 0); cx = np.cumsum(m.sum(0)) / m.sum(); cy = np.cumsum(m.sum(1)) / m.sum()
    return (np.searchsorted(cx, p), np.searchsorted(cy, p), np.searchsorted(cx, 1 - p) + 1, np.searchsorted(cy, 1 - p) + 1)
def camrect(n, m):
    b = massbox(m); H, W = m.shape; mx, my = round(0.035 * W), round(0.035 * H)
    x0, y0, x1, y1 = max(0, b[0] - mx), max(0, b[1] - my), min(W, b[2] + mx), min(H, b[3] + my)
    mask = np.full((H, W), cv2.GC_BGD, np.uint8); mask[y0:y1, x0:x1] = cv2.GC_PR_FGD
    mask[(m >= 0.8 * m.max()) & (mask == cv2.GC_PR_FGD)] = cv2.GC_FGD
    if (mask == 0).sum() < 0.004 * m.size: return b
    r = box_from_mask(grabcut(IMG[n], mask), 'largest')
    return b if r is None else r
rows = []
for n in names:
    d = D[n]; W, H = d['W'], d['H']
    cam224 = up(cam(d['feat224'], d['cls']), W, H); cam320 = up(cam(d['feat320'], d['cls']), W, H)
    gcam = up(d['grad224'].astype(np.float32), W, H) * np.maximum(cam224, 0)
    boxes = {'centred box': centre_box(W, H), 'gcam-extent': quantile_cut(n, gcam, 'extent'),
             'cam-extent': quantile_cut(n, cam224, 'extent'), 'cam-rect': camrect(n, cam320)}
    rows.append((n, boxes))
json.dump([(n, {k: [float(v) for v in b] for k, b in bx.items()}) for n, bx in rows], open('wsol-out/diagnosis/boxes.json', 'w'))
print('done')

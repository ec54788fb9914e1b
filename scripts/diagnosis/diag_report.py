import csv, json, collections, numpy as np
import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
from PIL import Image, ImageDraw
from common import iou, boxes_of, boot
ds = '../shared/benchmark/imagenet-val-400'
GT = boxes_of(ds); info = {r['image']: r for r in csv.DictReader(open(ds + '/images.csv'))}
rows = json.load(open('wsol-out/diagnosis/boxes.json')); names = [n for n, _ in rows]; B = dict(rows)
modes = ['gcam-extent', 'cam-extent', 'cam-rect', 'centred box']
def best(n, b): return max(GT[n], key=lambda t: iou(b, t))
def kind(n, b):
    t = best(n, b)
    if iou(b, t) >= 0.5: return 'right'
    ab = (b[2]-b[0])*(b[3]-b[1]); at = (t[2]-t[0])*(t[3]-t[1])
    inter = max(0, min(b[2], t[2]) - max(b[0], t[0])) * max(0, min(b[3], t[3]) - max(b[1], t[1]))
    if inter >= 0.7 * ab: return 'too small (inside the object)'
    if inter >= 0.7 * at: return 'too large (object inside, background leaked)'
    return 'wrong place'
IOU = {m: np.array([max(iou(B[n][m], t) for t in GT[n]) for n in names]) for m in modes}
OK = {m: IOU[m] >= 0.5 for m in modes}
frac = np.array([float(info[n]['largest_box_area_frac']) for n in names])
edges = np.quantile(frac, [0, .2, .4, .6, .8, 1]); qi = np.clip(np.searchsorted(edges[1:-1], frac, side='right'), 0, 4)
nb = np.array([int(info[n]['n_boxes']) for n in names])
out = []
P = out.append
P('| GT-known (%) on imagenet-val-400, n=400 | ' + ' | '.join(modes) + ' |'); P('|---|' + '---:|' * len(modes))
P('| all | ' + ' | '.join(f'{100*OK[m].mean():.1f}' for m in modes) + ' |')
P('\n**By the share of the image that the largest true box covers (quintiles)**\n')
P('| share | images | ' + ' | '.join(modes) + ' |'); P('|---|---:|' + '---:|' * len(modes))
for i in range(5):
    s = qi == i
    P(f'| {edges[i]:.2f}–{edges[i+1]:.2f} | {s.sum()} | ' + ' | '.join(f'{100*OK[m][s].mean():.1f}' for m in modes) + ' |')
P('\n**By the number of true boxes (instances)**\n')
P('| instances | images | ' + ' | '.join(modes) + ' |'); P('|---|---:|' + '---:|' * len(modes))
for lo, hi, lab in ((1, 1, '1'), (2, 2, '2'), (3, 99, '3 or more')):
    s = (nb >= lo) & (nb <= hi)
    P(f'| {lab} | {s.sum()} | ' + ' | '.join(f'{100*OK[m][s].mean():.1f}' for m in modes) + ' |')
P('\n**By failure kind** (against the true box that overlaps most; "too small": ≥70% of the box lies inside it; "too large": ≥70% of it lies inside the box)\n')
kinds = ['right', 'too small (inside the object)', 'too large (object inside, background leaked)', 'wrong place']
P('| outcome | ' + ' | '.join(modes) + ' |'); P('|---|' + '---:|' * len(modes))
K = {m: collections.Counter(kind(n, B[n][m]) for n in names) for m in modes}
for k in kinds: P(f'| {k} | ' + ' | '.join(str(K[m][k]) for m in modes) + ' |')
P('\n**Mean box area / largest true box area**, images each mode gets wrong\n')
for m in modes:
    r = [((B[n][m][2]-B[n][m][0])*(B[n][m][3]-B[n][m][1])) / ((best(n, B[n][m])[2]-best(n, B[n][m])[0])*(best(n, B[n][m])[3]-best(n, B[n][m])[1])) for n, ok in zip(names, OK[m]) if not ok]
    P(f'- {m}: median {np.median(r):.2f} over {len(r)} misses')
for m in modes[:-1]:
    g, lo, hi = boot(OK[m], OK['centred box'])
    P(f'- paired GT-known difference {m} − centred box: {g:+.1f} [{lo:+.1f}, {hi:+.1f}] points')
P(f'- oracle (better of gcam-extent and centred box per image): {100*(OK["gcam-extent"] | OK["centred box"]).mean():.1f}%')
open('wsol-out/diagnosis/tables.md', 'w').write('\n'.join(out)); print('\n'.join(out))
# scatter
fig, ax = plt.subplots(1, 2, figsize=(10, 4.8))
for a, m in zip(ax, ('gcam-extent', 'cam-rect')):
    a.scatter(IOU['centred box'], IOU[m], s=8, c=qi, cmap='viridis')
    a.axhline(0.5, c='r', lw=.5); a.axvline(0.5, c='r', lw=.5); a.plot([0, 1], [0, 1], 'k:', lw=.5)
    a.set_xlabel('IoU of the centred box'); a.set_ylabel(f'IoU of {m}'); a.set_title(f'{m} against the centred box, per image')
fig.text(0.5, 0.01, 'colour: quintile of the largest true box\'s share of the image (dark = small)', ha='center', fontsize=8)
fig.tight_layout(rect=(0, 0.03, 1, 1)); fig.savefig('docs/diagnosis-iou-scatter.png', dpi=90)
# worst cases for the old default: where it loses most against the centred box
d = IOU['centred box'] - IOU['gcam-extent']; worst = np.argsort(-d)[:12]
tiles = []
for i in worst:
    n = names[i]; im = Image.open(ds + '/images/' + n).convert('RGB'); dr = ImageDraw.Draw(im)
    for t in GT[n]: dr.rectangle(t, outline=(0, 255, 0), width=2)
    for m, col in (('centred box', (255, 255, 0)), ('gcam-extent', (255, 0, 0)), ('cam-rect', (0, 160, 255))):
        dr.rectangle([float(v) for v in B[n][m]], outline=col, width=2)
    tiles.append(im)
W = 227; sheet = Image.new('RGB', (4 * W + 30, 3 * W + 40), 'white'); dr = ImageDraw.Draw(sheet)
for k, im in enumerate(tiles): sheet.paste(im, (10 * (k % 4 > 0) * (k % 4) // (k % 4 or 1) + (k % 4) * W, 30 + (k // 4) * W))
dr.text((5, 5), 'green: true boxes, yellow: centred box, red: gcam-extent (old default), blue: cam-rect (new)', fill='black')
sheet.save('docs/diagnosis-worst-cases.png')

import csv, os, collections, numpy as np, torch, torch.nn.functional as F
from scipy import ndimage
MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../services/saliency/src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')
_m = torch.jit.load(MODEL).eval()
FCW = _m.fc.weight.detach().numpy(); FCB = _m.fc.bias.detach().numpy()
def boxes_of(ds):
    b = collections.defaultdict(list)
    for r in csv.DictReader(open(os.path.join(ds,'boxes.csv'))):
        b[r['image']].append(tuple(int(r[k]) for k in ('xmin','ymin','xmax','ymax')))
    return b
def iou(a, b):
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0])); ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw*ih
    return inter / ((a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter)
def up(m, W, H):
    t = torch.from_numpy(np.ascontiguousarray(m, dtype=np.float32))[None,None]
    return F.interpolate(t, size=(H,W), mode='bilinear', align_corners=False)[0,0].numpy()
def cam(feat, cls):
    return np.tensordot(FCW[cls], feat.astype(np.float32), axes=(0,0))
def box_from_mask(fg, rule='largest', min_share=0.01):
    lab, n = ndimage.label(fg, structure=np.ones((3,3)))
    if n == 0: return None
    areas = ndimage.sum(fg, lab, range(1, n+1))
    if rule == 'largest': keep = [int(np.argmax(areas))+1]
    else:
        keep = [i+1 for i in range(n) if areas[i] >= min_share*fg.size] or [int(np.argmax(areas))+1]
    m = np.isin(lab, keep); ys, xs = np.nonzero(m)
    return (xs.min(), ys.min(), xs.max()+1, ys.max()+1)
def centre_box(W, H, area=0.5):
    s = area**0.5
    return (W*(1-s)/2, H*(1-s)/2, W*(1+s)/2, H*(1+s)/2)
def boot(a, b=None, n=2000, seed=0):
    r = np.random.default_rng(seed); a = np.asarray(a, float)
    d = a if b is None else a - np.asarray(b, float)
    idx = r.integers(0, len(d), (n, len(d))); m = d[idx].mean(1)
    return 100*d.mean(), 100*np.percentile(m, 2.5), 100*np.percentile(m, 97.5)

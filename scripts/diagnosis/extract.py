# Cache, per image of a dataset: logits and feature maps at several input views, and the true class's gradient map.
import collections, csv, os, sys, time
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../services/saliency/src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')
ds = sys.argv[1]; out = sys.argv[2]
torch.set_num_threads(2)
model = torch.jit.load(MODEL).eval()
for p in model.parameters(): p.requires_grad_(False)
def norm(a): return torch.from_numpy((a.astype(np.float32)/255-0.5)/0.5).permute(2,0,1)[None]
rows = list(csv.DictReader(open(os.path.join(ds,'images.csv'))))
res = {}
t0=time.time()
for i,r in enumerate(rows):
    im = Image.open(os.path.join(ds,'images',r['image'])).convert('RGB')
    W,H = im.size; cls=int(r['class_idx'])
    d = {'W':W,'H':H,'cls':cls}
    for S in (224, 320, 448):
        x = norm(np.asarray(im.resize((S,S), Image.BILINEAR))).requires_grad_(S==224)
        f = model.features(x)
        lg = model.fc(f.mean([2,3]))
        if S==224:
            lg[0,cls].backward()
            d['grad224'] = x.grad.abs().max(1).values[0].numpy().astype(np.float16)
        d['logits%d'%S] = lg.detach()[0].numpy()
        d['feat%d'%S] = f.detach()[0].numpy().astype(np.float16)
    res[r['image']] = d
    if i%50==0: print(i, time.time()-t0, flush=True)
torch.save(res, out)

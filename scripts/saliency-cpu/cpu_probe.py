"""PyTorch side of the one-thread CPU-time probe (see CpuProbe.java beside it): the same work in Debian's torch.

    /usr/bin/python3 scripts/saliency-cpu/cpu_probe.py BATCH REPEATS
"""
import os
import torch, time, sys, numpy as np, torch.nn.functional as F
b, reps = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(1); torch.set_num_interop_threads(1)
m = torch.jit.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'services', 'saliency', 'src', 'main', 'resources', 'org', 'wsol', 'saliency', 'model', 'mobilenet_v2_imagenet', 'model.pt')).eval()
arr = np.random.randn(b*3*320*320).astype('<f4')
w=[q for q in m.parameters() if q.dim()==2][-1]; bb=[q for q in m.parameters() if q.dim()==1 and q.shape[0]==1000][-1]
best=bw=1e9
for it in range(reps+2):
    c0=time.thread_time(); t0=time.perf_counter()
    with torch.inference_mode():
        x=torch.from_numpy(arr).reshape(b,3,320,320); f=m.features(x)
        logits=f.flatten(2).mean(2)@w.t()+bb; top=logits.topk(5,dim=1).indices
        up=F.interpolate(torch.einsum('nkhw,nrk->nrhw',f,w[top]),size=(320,320),mode='bilinear',align_corners=False).numpy().copy()
    c1=time.thread_time(); t1=time.perf_counter()
    if it>=2: best=min(best,(c1-c0)*1e3/b); bw=min(bw,(t1-t0)*1e3/b)
bf=1e9
for it in range(reps+2):
    with torch.inference_mode():
        x=torch.from_numpy(arr).reshape(b,3,320,320); c0=time.thread_time(); f=m.features(x); c1=time.thread_time()
    if it>=2: bf=min(bf,(c1-c0)*1e3/b)
print('PyTorch features forward alone: %.1f CPU-ms per image' % bf)
print('PyTorch 1 thread batch %d: %.1f CPU-ms per image (wall %.1f), best of %d' % (b, best, bw, reps))

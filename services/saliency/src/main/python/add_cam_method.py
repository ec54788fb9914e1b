"""Adds a `features` method to the bundled TorchScript model, for class activation maps (saliency.method=cam).

The bundled model.pt computes  logits = fc(mean(net.features(x), [2, 3])), but TorchScript only lets a caller
(DJL included) run the top module's own methods, so the last feature map (N x 1280 x 7 x 7) cannot be reached.
This wraps the same submodules (the same weights, byte for byte) in a module whose forward is unchanged and
which exports `features(x)`. Run once, from the repository root, with a Python that has torch (Debian's
python3-torch 1.13 made the committed file):
    /usr/bin/python3 services/saliency/src/main/python/add_cam_method.py <original model.pt> <output model.pt>
It checks that the new forward gives the original's logits exactly, and that the class activation map
computed from `features` and fc's weights sums back to the logits (mean over positions + bias).
"""
import sys

import torch
from torch import Tensor


class WithFeatures(torch.nn.Module):
    def __init__(self, original):
        super().__init__()
        self.net = original.net
        self.fc = original.fc

    def forward(self, x: Tensor) -> Tensor:
        f = self.net.features(x)
        return self.fc.forward(torch.mean(f, [2, 3]))

    @torch.jit.export
    def features(self, x: Tensor) -> Tensor:
        """The last feature map, N x 1280 x H/32 x W/32, whose spatial mean feeds fc."""
        return self.net.features(x)


def main(src, dst):
    original = torch.jit.load(src).eval()
    wrapped = torch.jit.script(WithFeatures(original).eval())
    torch.jit.save(wrapped, dst)
    reloaded = torch.jit.load(dst).eval()
    torch.manual_seed(0)
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        a, b = original(x), reloaded(x)
        f = reloaded.features(x)
        cam = torch.einsum('ck,nkij->ncij', reloaded.fc.weight, f)
        from_cam = cam.mean([2, 3]) + reloaded.fc.bias
    assert torch.equal(a, b), 'forward changed'
    assert torch.allclose(from_cam, a, atol=1e-4), 'CAM does not sum back to the logits'
    print('ok: forward identical, features', tuple(f.shape), 'CAM mean + bias = logits (max diff',
          float((from_cam - a).abs().max()), ')')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

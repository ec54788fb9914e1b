"""Rewrites the bundled MobileNetV2 for speed on CPU, with the same weights and the same results.

The converted model (convert_mnv2.py, then add_cam_method.py) spends much of a pass outside its convolutions:
- TensorFlow's 'SAME' padding as a separate zero-padded copy of the input before every 3x3 convolution, its
  amounts computed in ~25 interpreted scalar ops each time. At stride 1 that padding is 1 on every side, which the
  convolution does itself without a copy; only the five stride-2 convolutions keep the explicit (asymmetric) pad.
- ReLU6 as an out-of-place clamp: a new tensor per layer. Here in place (hardtanh_, whose backward uses its result,
  so input gradients still work).
Measured, DJL and PyTorch alike: a pass of four 320-px images ~0.89x the time before (BENCHMARKS.md, Saliency).

Not done: channels-last (NHWC) weights and activations, ~0.6x the time again in both, because DJL's libtorch 2.7.1
computes some of them wrong: a 1x1 convolution of a 2 x 960 x 5 x 5 channels-last input gave 10% of its outputs
wrong (off by up to 8.6) at 2, 3, 8 and 16 intra-op threads, right at 1 and 4. NCHW gives the same results at any
thread count.

The module keeps the interface the service and the scripts use: forward(x) -> logits, features(x) -> the last
feature map N x 1280 x h x w, and `fc` (the last linear layer, whose weights give class activation maps).

Run once, from the repository root, with a Python that has torch (Debian's python3-torch 1.13 made the file):
    /usr/bin/python3 services/saliency/src/main/python/optimise_model.py <model.pt from add_cam_method.py> <out.pt>
It checks logits, features and input gradients against the source model at several input sizes.
"""
import sys
import time

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class SameConv(nn.Module):
    """A convolution with TensorFlow's 'SAME' padding, then ReLU6 or nothing."""

    def __init__(self, src):
        super().__init__()
        c = src.conv
        self.k, self.stride, self.relu6 = int(src.k), int(src.stride), bool(src.relu6)
        # 'SAME' at stride 1 with an odd kernel pads k // 2 on every side: the convolution's own padding.
        self.pad_input = self.stride > 1 and self.k > 1
        out_channels, in_per_group = c.weight.shape[0], c.weight.shape[1]
        self.conv = nn.Conv2d(in_per_group * c.groups, out_channels, self.k, stride=self.stride,
                              padding=0 if self.pad_input else self.k // 2, groups=c.groups, bias=True)
        with torch.no_grad():
            self.conv.weight.copy_(c.weight)
            self.conv.bias.copy_(c.bias)

    def forward(self, x: Tensor) -> Tensor:
        if self.pad_input:
            # 'SAME' at stride s: out = ceil(in / s), the extra row/column (if odd) at the bottom/right.
            ih, iw = x.shape[2], x.shape[3]
            ph = max(((ih + self.stride - 1) // self.stride - 1) * self.stride + self.k - ih, 0)
            pw = max(((iw + self.stride - 1) // self.stride - 1) * self.stride + self.k - iw, 0)
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        y = self.conv(x)
        if self.relu6:
            y = F.hardtanh(y, 0., 6., True)
        return y


class InvertedResidual(nn.Module):
    def __init__(self, src):
        super().__init__()
        self.has_expand = hasattr(src.expand, 'k')  # the first block has an identity there
        self.expand = SameConv(src.expand) if self.has_expand else nn.Identity()
        self.dw = SameConv(src.dw)
        self.project = SameConv(src.project)
        self.use_res = bool(src.use_res)

    def forward(self, x: Tensor) -> Tensor:
        y = self.project(self.dw(self.expand(x)))
        if self.use_res:
            y = y + x
        return y


class MobileNetV2(nn.Module):
    def __init__(self, src):
        super().__init__()
        self.stem = SameConv(src.net.stem)
        self.blocks = nn.Sequential(*[InvertedResidual(b) for b in src.net.blocks.children()])
        self.head = SameConv(src.net.head)
        self.fc = nn.Linear(src.fc.weight.shape[1], src.fc.weight.shape[0])
        with torch.no_grad():
            self.fc.weight.copy_(src.fc.weight)
            self.fc.bias.copy_(src.fc.bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.mean(self.features(x), [2, 3]))

    @torch.jit.export
    def features(self, x: Tensor) -> Tensor:
        """The last feature map, N x 1280 x ceil(H/32) x ceil(W/32)."""
        return self.head(self.blocks(self.stem(x)))


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max())


def relative_norm(a, b):
    return float((a - b).norm() / b.norm())


def check(src, dst):
    torch.manual_seed(0)
    for size in (224, 225, 256, 320):
        x = torch.randn(2, 3, size, size)
        with torch.no_grad():
            logits, features = relative(dst(x), src(x)), relative(dst.features(x), src.features(x))
        xs = x.clone().requires_grad_(True)
        src(xs)[:, 7].sum().backward()
        xd = x.clone().requires_grad_(True)
        dst(xd)[:, 7].sum().backward()
        grad = relative_norm(xd.grad, xs.grad)
        print('%d px: relative difference logits %.1e, features %.1e (largest), input gradient %.1e (norm)'
              % (size, logits, features, grad))
        # A gradient through ReLU6 changes where a unit lies within float rounding of 0 or 6: compared as a whole.
        assert max(logits, features) < 1e-4 and grad < 1e-3, 'results differ'


def timing(model, threads=2, images=4, size=320, repeats=10):
    torch.set_num_threads(threads)
    x = torch.randn(images, 3, size, size)
    best = float('inf')
    with torch.inference_mode():
        for _ in range(repeats):
            t0 = time.perf_counter()
            model.features(x)
            best = min(best, time.perf_counter() - t0)
    return best * 1e3


def main(src_path, dst_path):
    src = torch.jit.load(src_path).eval()
    model = MobileNetV2(src).eval()
    torch.jit.save(torch.jit.script(model), dst_path)
    dst = torch.jit.load(dst_path).eval()
    check(src, dst)
    print('features of four 320-px images, 2 threads, best of 10: %.1f ms before, %.1f ms after'
          % (timing(src), timing(dst)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

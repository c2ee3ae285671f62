#!/usr/bin/env python3
"""Generates a PyTorch-exported YOLO11n for tests/core/test_torch_yolo11.cpp (at test time, into
the build directory: the model is ~10 MB, so it is not committed).

    /usr/bin/python3 tests/data/make_yolo11n.py OUT_DIR

Needs Debian's python3-torch and python3-onnx. The network is Ultralytics' yolo11.yaml at scale n
(depth 0.50, width 0.25, max channels 1024, 80 classes) built from the plain-PyTorch module
transcriptions in make_yolo_blocks.py, with seeded random weights and non-trivial BatchNorm
statistics, exported with torch.onnx.export (opset 17, constant folding, eval mode) for a
1x3x640x640 input. OUT_DIR receives model.onnx, test_data_set_0/{input_0,output_0}.pb (computed by
PyTorch) and README with the parameter counts (before and after BatchNorm folding).
"""
import math
import os
import sys
import time

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_yolo_blocks import C2PSA, SPPF, C3k2, Conv, Detect, randomize_bn  # noqa: E402


class Concat(nn.Module):
    def __init__(self, dimension=1):
        super().__init__()
        self.d = dimension

    def forward(self, x):
        return torch.cat(x, self.d)


def make_divisible(x, divisor):
    return math.ceil(x / divisor) * divisor


class Yolo11(nn.Module):
    """yolo11.yaml; forward mirrors Ultralytics' BaseModel._predict_once (m.f: the 'from' layers)."""

    def __init__(self, depth=0.50, width=0.25, max_channels=1024, nc=80):
        super().__init__()

        def ch(c):
            return make_divisible(min(c, max_channels) * width, 8)

        def rep(n):
            return max(round(n * depth), 1) if n > 1 else n

        c0, c1, c2, c3, c4, c5 = ch(64), ch(128), ch(256), ch(256), ch(512), ch(512)
        c6, c7, c8, c9, c10 = ch(512), ch(1024), ch(1024), ch(1024), ch(1024)
        layers = [
            (-1, Conv(3, c0, 3, 2)),
            (-1, Conv(c0, c1, 3, 2)),
            (-1, C3k2(c1, c2, rep(2), False, 0.25)),
            (-1, Conv(c2, c3, 3, 2)),
            (-1, C3k2(c3, c4, rep(2), False, 0.25)),
            (-1, Conv(c4, c5, 3, 2)),
            (-1, C3k2(c5, c6, rep(2), True)),
            (-1, Conv(c6, c7, 3, 2)),
            (-1, C3k2(c7, c8, rep(2), True)),
            (-1, SPPF(c8, c9, 5)),
            (-1, C2PSA(c9, c10, rep(2))),
            (-1, nn.Upsample(None, 2, "nearest")),
            ([-1, 6], Concat(1)),
        ]
        c13 = ch(512)
        layers += [
            (-1, C3k2(c10 + c6, c13, rep(2), False)),
            (-1, nn.Upsample(None, 2, "nearest")),
            ([-1, 4], Concat(1)),
        ]
        c16 = ch(256)
        layers += [(-1, C3k2(c13 + c4, c16, rep(2), False))]
        c17 = ch(256)
        layers += [(-1, Conv(c16, c17, 3, 2)), ([-1, 13], Concat(1))]
        c19 = ch(512)
        layers += [(-1, C3k2(c17 + c13, c19, rep(2), False))]
        c20 = ch(512)
        layers += [(-1, Conv(c19, c20, 3, 2)), ([-1, 10], Concat(1))]
        c22 = ch(1024)
        layers += [(-1, C3k2(c20 + c10, c22, rep(2), True))]
        layers += [([16, 19, 22], Detect(nc, (c16, c19, c22)))]
        self.model = nn.Sequential(*(m for _, m in layers))
        self.froms = [f for f, _ in layers]

    def forward(self, x):
        y = []
        for f, m in zip(self.froms, self.model):
            if f != -1:
                x = y[f] if isinstance(f, int) else [x if j == -1 else y[j] for j in f]
            x = m(x)
            y.append(x)
        return x


def folded_parameter_count(model):
    """Parameters once BatchNorm is folded into the preceding convolution, as an ONNX importer sees
    them: every Conv2d weight, plus one bias per output channel (the conv's own or BatchNorm's
    folded shift). Includes DFL's fixed 1x1 weights, which ONNX cannot mark as untrainable."""
    return sum(p.numel() for p in model.parameters()) - sum(
        m.num_features for m in model.modules() if isinstance(m, nn.BatchNorm2d))


def main(out_dir):
    t0 = time.time()
    torch.manual_seed(11)
    gen = torch.Generator().manual_seed(12)
    model = Yolo11()
    randomize_bn(model, gen)
    model.eval()
    x = torch.rand(1, 3, 640, 640, generator=gen)
    with torch.no_grad():
        y = model(x)
    os.makedirs(os.path.join(out_dir, "test_data_set_0"), exist_ok=True)
    tmp = os.path.join(out_dir, "model.onnx.tmp")
    torch.onnx.export(model, (x,), tmp, opset_version=17, do_constant_folding=True,
                      input_names=["images"], output_names=["output0"])
    onnx.save_tensor(numpy_helper.from_array(x.numpy(), "images"), os.path.join(out_dir, "test_data_set_0", "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y.numpy(), "output0"), os.path.join(out_dir, "test_data_set_0", "output_0.pb"))
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    folded = folded_parameter_count(model)
    with open(os.path.join(out_dir, "README"), "w") as f:
        f.write(f"YOLO11n from tests/data/make_yolo11n.py, input [1, 3, 640, 640], output {list(y.shape)}, "
                f"{params} PyTorch parameters, {trainable} trainable, {folded} after BatchNorm folding, "
                f"torch {torch.__version__}\n")
    os.replace(tmp, os.path.join(out_dir, "model.onnx"))  # last: its presence marks a complete data set
    print(f"yolo11n {list(y.shape)} params {params} trainable {trainable} folded {folded} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "yolo11n")

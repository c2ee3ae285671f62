#!/usr/bin/env python3
"""Exports torchvision classification networks for benchmarks (`netcanvas-cli bench MODEL --ort`)
and tests, at test time into a build directory (the models are 5-50 MB, so none is committed).

    /usr/bin/python3 tests/data/make_torchvision.py OUT_DIR [NAME ...]

Needs Debian's python3-torchvision (0.14, with python3-torch 1.13) and python3-onnx, at test
time only. NAME is one of resnet18, mobilenet_v2, efficientnet_b0, shufflenet_v2_x0_5,
regnet_y_400mf (default: all). Each network gets torchvision's own random initialisation (no
download: weights=None) under a fixed seed and non-trivial BatchNorm statistics, and is exported
with torch.onnx.export (opset 17, constant folding, eval mode) for a 1x3x224x224 input.
OUT_DIR/NAME receives model.onnx and test_data_set_0/{input_0,output_0}.pb (computed by
PyTorch).
"""
import os
import sys
import time

import onnx
import torch
import torch.nn as nn
import torchvision
from onnx import numpy_helper

NETWORKS = {
    "resnet18": torchvision.models.resnet18,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "shufflenet_v2_x0_5": torchvision.models.shufflenet_v2_x0_5,
    "regnet_y_400mf": torchvision.models.regnet_y_400mf,
}


def randomize_bn(model, gen):
    """BatchNorm statistics away from the identity, so that folding them is exercised."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=gen) * 0.4 + 0.8
            m.bias.data = torch.rand(c, generator=gen) * 0.2 - 0.1
            m.running_mean = torch.rand(c, generator=gen) * 0.2 - 0.1
            m.running_var = torch.rand(c, generator=gen) + 0.5


def export(name, out_dir):
    t0 = time.time()
    torch.manual_seed(17)
    gen = torch.Generator().manual_seed(18)
    model = NETWORKS[name](weights=None)
    randomize_bn(model, gen)
    model.eval()
    x = torch.rand(1, 3, 224, 224, generator=gen)
    with torch.no_grad():
        y = model(x)
    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    tmp = os.path.join(d, "model.onnx.tmp")
    torch.onnx.export(model, (x,), tmp, opset_version=17, do_constant_folding=True,
                      input_names=["input"], output_names=["output"])
    onnx.save_tensor(numpy_helper.from_array(x.numpy(), "input"), os.path.join(d, "test_data_set_0", "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y.numpy(), "output"), os.path.join(d, "test_data_set_0", "output_0.pb"))
    os.replace(tmp, os.path.join(d, "model.onnx"))  # last: its presence marks a complete data set
    params = sum(p.numel() for p in model.parameters())
    print(f"{name} {list(y.shape)} params {params} in {time.time() - t0:.1f} s")


def main(out_dir, names):
    for name in names or NETWORKS:
        if name not in NETWORKS:
            sys.exit(f"unknown network '{name}'; one of: {', '.join(NETWORKS)}")
        export(name, out_dir)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torchvision", sys.argv[2:])

"""Lesson 10's network as a torch nn.Module, trained with torch.optim on any device.

It starts from the NumPy network's weights (cnn.Params) and takes the same mini-batches
(cnn.batch_order), so in float64 its losses match the hand-written run step for step.

    DigitsNet()                        conv 1 -> 8 (3x3, padding 1), ReLU, 2x2 max-pool, linear
    from_params(params, dtype)         a DigitsNet holding these weights
    train(model, x, y, batches, lr, beta, device)   SGD with momentum; the loss at each step
                                       (on the CPU in one thread: the steps are tiny)
    accuracy(model, x, y, device)      the share of images read right
"""
import numpy as np
import torch
from torch import nn

from lessons_lib import cnn, validation


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, cnn.KERNELS, cnn.SIZE, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.linear = nn.Linear(cnn.FEATURES, cnn.CLASSES)

    def forward(self, x):
        """Logits, (N, 10), for images x (N, 1, 8, 8)."""
        return self.linear(self.pool(torch.relu(self.conv(x))).flatten(1))


def from_params(params, dtype=torch.float64) -> DigitsNet:
    """A DigitsNet with the NumPy network's weights (torch stores the linear weight as
    (out, in), so it is transposed)."""
    if not isinstance(params, cnn.Params):
        raise TypeError(f"params must be a cnn.Params (what cnn.init returns), "
                        f"got {type(params).__name__}")
    if not isinstance(dtype, torch.dtype) or dtype not in (torch.float32, torch.float64):
        raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype!r:.40}")
    model = DigitsNet().to(dtype)
    with torch.no_grad():
        for tensor, array in ((model.conv.weight, params.conv_w), (model.conv.bias,
                              params.conv_b), (model.linear.weight, params.lin_w.T),
                              (model.linear.bias, params.lin_b)):
            tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))
    return model


def _inputs(model, x, y, device):
    if not isinstance(model, DigitsNet):
        raise TypeError(f"model must be a cnn_torch.DigitsNet, got {type(model).__name__}")
    device = validation.device("device", device)
    x = validation.array("x", x, ndim=4)
    y = validation.array("y", y, ndim=1)
    if x.shape[1:] != (1, cnn.SIDE, cnn.SIDE) or len(y) != len(x):
        raise ValueError(f"x must have shape (N, 1, 8, 8) and y one label per image, got "
                         f"{x.shape} and {y.shape}")
    if not np.isin(y, np.arange(cnn.CLASSES)).all():
        raise ValueError("y must hold digits 0..9")
    dtype = next(model.parameters()).dtype
    return (torch.tensor(x, dtype=dtype, device=device),
            torch.tensor(y, dtype=torch.int64, device=device), device)


def train(model, x, y, batches, lr: float = 0.05, beta: float = 0.9,
          device="cpu") -> np.ndarray:
    """SGD with momentum (torch.optim.SGD, which steps v = beta * v + g; w = w - lr * v) over
    `batches` (lists of row numbers); the model moves to `device`. Returns each step's loss,
    taken before that step's update."""
    x, y, device = _inputs(model, x, y, device)
    if not isinstance(batches, list) or not batches:
        raise TypeError("batches must be a non-empty list of row-number arrays "
                        "(what cnn.batch_order returns)")
    rows = [validation.array(f"batches[{n}]", b, ndim=1) for n, b in enumerate(batches)]
    if any(r.min() < 0 or r.max() >= len(x) or not np.array_equal(r, r.round()) for r in rows):
        raise ValueError(f"batches must hold row numbers from 0 to {len(x) - 1}")
    lr = validation.positive("lr", validation.bounded("lr", lr, 1e6))
    beta = validation.non_negative("beta", beta)
    if beta >= 1:
        raise ValueError(f"beta must be below 1, got {beta!r}")
    model.to(device)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=beta)
    losses = torch.empty(len(rows), dtype=x.dtype, device=device)
    threads = torch.get_num_threads()
    if device.type == "cpu":
        # A step on 32 images of 8x8 is too small to split over threads: they spend longer
        # waiting for each other than computing (benchmarks/bench_capstone.py prints both).
        torch.set_num_threads(1)
    try:
        for step, r in enumerate(rows):
            index = torch.as_tensor(r.astype(np.int64), device=device)
            loss = nn.functional.cross_entropy(model(x[index]), y[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses[step] = loss.detach()
    finally:
        torch.set_num_threads(threads)  # as it was
    return losses.cpu().numpy()  # one copy back at the end: the GPU never waits for the CPU


def accuracy(model, x, y, device="cpu") -> float:
    """The share of images whose largest logit is their label."""
    x, y, device = _inputs(model, x, y, device)
    model.to(device)
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).double().mean())

"""Issue 13: the torch CPU int8 layer gives every row the same bits whatever else is in its batch."""

from __future__ import annotations

import pytest
import torch

from translate_cli.backends import int8_rows
from translate_cli.backends.torch_engine import quantize_int8

WORKING = [kernel for kernel in int8_rows.KERNELS if int8_rows.kernel_works(kernel)]


def test_some_kernel_works_on_this_machine():
    # the CPUs brief runs on (x86-64 with torch's CPU build) have at least one; elsewhere quantize_int8 falls back
    assert WORKING and int8_rows.pick_kernel() == WORKING[0]


@pytest.mark.parametrize("kernel", WORKING)
@pytest.mark.parametrize("in_features, out_features", [(512, 512), (512, 2048), (2048, 512), (512, 1001)])
def test_each_row_is_the_same_alone_and_in_any_batch(kernel, in_features, out_features):
    generator = torch.Generator().manual_seed(in_features + out_features)
    linear = torch.nn.Linear(in_features, out_features)
    with torch.no_grad():
        linear.weight.copy_(torch.randn(out_features, in_features, generator=generator) * 0.05)
        layer = int8_rows.rowwise_linear_class()(linear, kernel)
        rows = torch.randn(100, in_features, generator=generator) * torch.rand(100, 1, generator=generator) * 4
        whole = layer(rows)
        for start, count in ((0, 1), (7, 1), (3, 4), (10, 17), (36, 64)):
            assert torch.equal(layer(rows[start: start + count]), whole[start: start + count])
        # padded to a batch of three dimensions, as the model calls it
        assert torch.equal(layer(rows[:12].reshape(3, 4, in_features)).reshape(12, out_features), whole[:12])
        # and close to full precision
        assert torch.allclose(whole, linear(rows), atol=0.05 * float(linear(rows).abs().max()))


def test_quantize_int8_falls_back_to_dynamic_int8_without_a_rowwise_kernel(monkeypatch):
    monkeypatch.setattr(int8_rows, "pick_kernel", lambda: None)
    model = torch.nn.Sequential(torch.nn.Linear(8, 8))
    model, scheme = quantize_int8(model)
    assert scheme == "dynamic" and isinstance(model[0], torch.ao.nn.quantized.dynamic.Linear)


def test_quantize_int8_uses_rows_where_a_kernel_works():
    model, scheme = quantize_int8(torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)))
    assert scheme == "rows"
    assert [type(m).__name__ for m in model] == ["RowwiseInt8Linear", "ReLU", "RowwiseInt8Linear"]

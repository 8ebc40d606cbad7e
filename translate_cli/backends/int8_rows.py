"""int8 Linear layers for CPU whose every output row depends on its own input row only, so a sentence gets the
same numbers alone or in a padded batch of others (torch's quantize_dynamic scales activations per batch).

Activations are quantised per row (per token), symmetric; weights per output channel, symmetric; an integer GEMM
accumulates exactly; the rescale and bias are element-wise — the scheme CTranslate2 uses for int8 on CPU.
The integer GEMM runs on the first kernel this torch build and CPU pass a self-test with (`pick_kernel`):
oneDNN's prepacked qlinear (fastest measured), fbgemm's, or torch._int_mm. These ops are torch internals; where
none passes, `quantize_rows` raises RuntimeError and the caller falls back.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

KERNELS = ("onednn", "fbgemm", "int_mm")
# Activation levels per kernel: fbgemm multiplies unsigned 8-bit activations in pairs into 16 bits on CPUs without
# VNNI, which overflows beyond 7 bits (torch's own reduce_range); the others need VNNI or AMX (see kernel_works).
_LEVELS = {"onednn": 127, "fbgemm": 63, "int_mm": 127}
_FBGEMM_ZERO_POINT = 64  # 7-bit activations as unsigned bytes 1…127


def _quantize_rows(x: Any, levels: int = 127) -> tuple[Any, Any]:
    """(int8 rows, float32 scales (M, 1)) with x ≈ q × scale, |q| ≤ levels."""
    import torch

    scale = x.abs().amax(dim=1, keepdim=True).div_(levels).clamp_min_(1e-12)
    return x.div(scale).round_().clamp_(-levels, levels).to(torch.int8), scale


def _quantize_weight(weight: Any) -> tuple[Any, Any]:
    """(int8 weight (N, K), float32 scales per output channel (N,))."""
    import torch

    weight = weight.detach().to(torch.float32)
    scale = weight.abs().amax(dim=1).div_(127.0).clamp_min_(1e-12)
    quantised = weight.div(scale[:, None]).round_().clamp_(-127.0, 127.0).to(torch.int8)
    return quantised.contiguous(), scale.contiguous()


def _module_class() -> type:
    import torch
    from torch import nn

    class RowwiseInt8Linear(nn.Module):
        """An inference-only stand-in for nn.Linear (see the module docstring)."""

        def __init__(self, linear: nn.Linear, kernel: str) -> None:
            super().__init__()
            self.in_features, self.out_features, self.kernel = linear.in_features, linear.out_features, kernel
            weight, scale = _quantize_weight(linear.weight)
            self.register_buffer("weight_scale", scale, persistent=False)
            bias = None if linear.bias is None else linear.bias.detach().to(torch.float32).clone()
            self.register_buffer("bias", bias, persistent=False)
            if kernel == "onednn":
                self._packed = torch.ops.onednn.qlinear_prepack(weight, None)
                self._zero_points = torch.zeros(self.out_features, dtype=torch.long)
            elif kernel == "fbgemm":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # torch 2.13 announces the quantized tensor API's removal
                    per_channel = torch._make_per_channel_quantized_tensor(
                        weight, scale.to(torch.float64), torch.zeros(self.out_features, dtype=torch.long), 0)
                    self._packed = torch.ops.quantized.linear_prepack(per_channel, None)
            else:
                self._transposed = weight.t()

        def _gemm(self, rows: Any) -> Any:
            """float32 rows @ weightᵀ × weight scales (the row scales not applied yet)."""
            if self.kernel == "onednn":
                return torch.ops.onednn.qlinear_pointwise(rows, 1.0, 0, self._packed, self.weight_scale,
                                                          self._zero_points, None, 1.0, 0, torch.float32, "none",
                                                          [], "")
            if self.kernel == "fbgemm":  # it quantises its float input itself: at scale 1 the integers stay exact
                return torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(
                    rows.to(torch.float32), 1.0, _FBGEMM_ZERO_POINT, self._packed)
            return torch._int_mm(rows, self._transposed).to(torch.float32).mul_(self.weight_scale)

        def forward(self, x: Any) -> Any:
            flat = x.reshape(-1, self.in_features).to(torch.float32)
            if flat.shape[0] == 0:
                out = flat.new_zeros((0, self.out_features))
            else:
                rows, scale = _quantize_rows(flat, _LEVELS[self.kernel])
                out = self._gemm(rows).mul_(scale)
                if self.bias is not None:
                    out.add_(self.bias)
            return out.reshape(*x.shape[:-1], self.out_features).to(x.dtype)

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, kernel={self.kernel}"

    return RowwiseInt8Linear


@functools.cache
def rowwise_linear_class() -> type:
    return _module_class()


def kernel_works(kernel: str) -> bool:
    """Whether `kernel` runs here, matches a float64 reference — on random rows and on rows and weights at full
    scale, where a kernel that sums in 16 bits overflows — and gives every row the same bits for 1, 3, 8 or 17
    rows as in a call of 64 (odd sizes on purpose)."""
    try:
        import torch
        from torch import nn

        generator = torch.Generator().manual_seed(0)
        linear = nn.Linear(72, 53)
        with torch.no_grad():
            linear.weight.copy_(torch.randn(53, 72, generator=generator) * 0.1)
            linear.weight[:4] = torch.tensor([1.0, -1.0] * 36)  # full-scale weights: overflow shows on these
            linear.bias.copy_(torch.randn(53, generator=generator))
            module = rowwise_linear_class()(linear, kernel)
            x = torch.randn(64, 72, generator=generator)
            x[:4] = torch.tensor([1.0, -1.0] * 36)  # full-scale rows, all the same sign as those weights
            full = module(x)
            rows, row_scale = _quantize_rows(x, _LEVELS[kernel])
            weight, weight_scale = _quantize_weight(linear.weight)
            reference = (rows.double() @ weight.double().t()) * weight_scale.double() * row_scale.double()
            if not torch.allclose(full.double(), reference + linear.bias.double(), rtol=1e-5, atol=1e-5):
                return False
            return all(torch.equal(module(x[:m]), full[:m]) for m in (1, 3, 8, 17))
    except Exception:  # an op missing from this build, a CPU it does not support, a changed private signature
        return False


@functools.cache
def pick_kernel() -> str | None:
    """The first of KERNELS that passes kernel_works here (checked once per process)."""
    return next((kernel for kernel in KERNELS if kernel_works(kernel)), None)


def quantize_rows(model: Any, kernel: str | None = None) -> Any:
    """`model` with every nn.Linear (the output projection too, as quantize_dynamic does: a tied one gets its own
    int8 copy) replaced by a row-wise int8 layer, in place. RuntimeError when no kernel works here."""
    import torch
    from torch import nn

    kernel = kernel or pick_kernel()
    if kernel is None:
        raise RuntimeError("no batch-invariant int8 kernel works in this torch build")
    layer = rowwise_linear_class()
    with torch.no_grad():
        try:  # every replacement built before any is swapped in: a failure leaves the model whole
            swaps = [(parent, name, layer(child, kernel)) for parent in list(model.modules())
                     for name, child in list(parent.named_children()) if type(child) is nn.Linear]
        except Exception as exc:
            raise RuntimeError(f"row-wise int8 {kernel} kernel rejected a layer: {exc}") from exc
    for parent, name, replacement in swaps:
        setattr(parent, name, replacement)
    return model

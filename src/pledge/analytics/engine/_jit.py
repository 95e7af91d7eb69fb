"""The engine's numba settings, its array types and the one hardware operation it adds."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from pledge.analytics import numba_cache_dir

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_Fn = TypeVar("_Fn", bound=Callable[..., Any])

_config: Any = numba.config
if not _config.CACHE_DIR:
    # numba was imported before pledge.analytics could set NUMBA_CACHE_DIR
    _config.CACHE_DIR = str(numba_cache_dir())


def _jit(*, parallel: bool = False, inline: bool = False,
         reassoc: bool = False) -> Callable[[_Fn], _Fn]:
    """numba's njit with the engine's settings, typed for mypy (``inline``: merged into
    its callers, for the small per-period helpers a call would cost more than). Compiled
    code is cached on disk (:func:`pledge.analytics.numba_cache_dir`).

    ``reassoc`` lets the compiler regroup additions (so that a sum vectorises into
    partial sums): only for a function whose result is an estimate that nothing exact
    depends on, since the last bits of such a sum are then the compiler's choice."""
    return cast(Callable[[_Fn], _Fn],
                numba.njit(parallel=parallel, nogil=True, cache=True,
                           fastmath={"reassoc"} if reassoc else False,
                           error_model="numpy", inline="always" if inline else "never"))


def _fma_exact(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once (what the compiled ``_fma`` does in hardware)."""
    if not all(map(math.isfinite, (a, b, c))):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def _mul_add_plain(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded twice: :func:`_mul_add` when nothing is compiled."""
    return a * b + c


if _config.DISABLE_JIT:
    _fma = _fma_exact
    _mul_add = _mul_add_plain
else:
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def _fma(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
        """``a * b + c`` with one rounding (LLVM's fma: one instruction where the CPU has
        it, a correctly rounded library call where not)."""
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            dbl = ir.DoubleType()
            fn = builder.module.declare_intrinsic("llvm.fma", [dbl],
                                                  ir.FunctionType(dbl, [dbl, dbl, dbl]))
            return builder.call(fn, args)

        return sig, codegen

    _mul_add = _fma
    """``a * b + c`` in one instruction where the result only has to be accurate, not the
    same in every mode (a polynomial's value): fused when compiled, a product and a sum
    when interpreted (where :func:`_fma_exact` would take microseconds a step)."""


def _prefetch_none(address: int) -> None:
    """Nothing: a prefetch is a hint, and interpreted code has no cache to warm."""


if _config.DISABLE_JIT:
    _prefetch = _prefetch_none
else:
    @intrinsic
    def _prefetch(typingctx: Any, address: Any) -> Any:
        """Ask the processor to bring the cache line at ``address`` (an integer, such as
        ``row.ctypes.data``) into its caches, for reading soon (LLVM's prefetch: one
        instruction, no effect on any result)."""
        sig = types.void(types.uintp)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            i8p = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
            fn = cast(Any, cgutils).get_or_insert_function(builder.module, fnty,
                                                           "llvm.prefetch.p0")
            ptr = builder.inttoptr(args[0], i8p)
            builder.call(fn, [ptr, i32(0), i32(3), i32(1)])
            return context.get_dummy_value()

        return sig, codegen

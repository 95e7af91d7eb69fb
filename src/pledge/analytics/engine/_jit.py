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


def _horner8_plain(u: Any, nvec: int, z: float, deriv: bool) -> tuple[float, float]:
    """:func:`_horner8` when nothing is compiled: the same steps, lane by lane."""
    zz = z * z
    big = zz * zz
    big = big * big
    p_lane = [0.0] * 8
    a_lane = [0.0] * 8
    for i in range(nvec - 1, -1, -1):
        for r in range(8):
            ck = float(u[8 * i + r])
            a_lane[r] = a_lane[r] * big + (p_lane[r] if deriv else abs(ck))
            p_lane[r] = p_lane[r] * big + ck
    return _horner8_join(p_lane, a_lane, z, deriv)


def _horner8_join(p_lane: list[float], a_lane: list[float], z: float,
                  deriv: bool) -> tuple[float, float]:
    """The value (and the derivative or the scale) from the eight lanes."""
    powers = [1.0]
    for _ in range(7):
        powers.append(powers[-1] * z)
    p = 0.0
    second = 0.0
    for r in range(8):
        p += powers[r] * p_lane[r]
    if not deriv:
        for r in range(8):
            second += powers[r] * a_lane[r]
        return p, second
    z7 = powers[7]
    for r in range(8):
        second += (r * powers[r - 1] if r else 0.0) * p_lane[r]
    tail = 0.0
    for r in range(8):
        tail += powers[r] * a_lane[r]
    return p, second + 8.0 * z7 * tail


_CHAINS = 4
"""Independent chains of :func:`_horner8` (each a quarter of the coefficients): one
vector fused multiply-add has a latency of four steps' issue, so four chains keep the
unit busy."""

if _config.DISABLE_JIT:
    def _horner8(u: Any, start: int, nvec: int, z: float, deriv: bool
                 ) -> tuple[float, float]:
        return _horner8_plain(u[start:], nvec, z, deriv)
else:
    @intrinsic
    def _horner8(typingctx: Any, u: Any, start: Any, nvec: Any, z: Any, deriv: Any) -> Any:
        """``h(z) = sum_k u[start + k] z^k`` for ``k < 8 nvec``, as eight polynomials in ``z^8``
        (lane ``r`` holds ``u[r], u[8 + r], ...``) evaluated by Horner's rule together in
        one vector register, a fused multiply-add a step for eight coefficients, then
        joined: ``h = sum_r z^r h_r(z^8)``; consecutive quarters of the coefficients
        run as ``_CHAINS`` independent chains (joined by powers of ``z^(8 nvec/4)``), so
        the processor overlaps their steps. Returns ``(h(z), h'(z))`` when ``deriv`` (a
        literal), else ``(h(z), sum_k |u[k]| z^k)``. ``u``: a C-contiguous float64 array
        of ``8 nvec`` coefficients, ``nvec`` a positive multiple of ``_CHAINS``."""
        want = getattr(deriv, "literal_value", None)
        if want is None:
            return None
        sig = cast(Any, types).UniTuple(types.float64, 2)(u, start, nvec, z, deriv)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            dbl = ir.DoubleType()
            vec = ir.VectorType(dbl, 8)
            arr = context.make_array(signature.args[0])(context, builder, args[0])
            base = builder.bitcast(builder.gep(arr.data, [args[1]]), vec.as_pointer())
            n_vec = args[2]
            zval = args[3]
            zz = builder.fmul(zval, zval)
            z4 = builder.fmul(zz, zz)
            z8 = builder.fmul(z4, z4)
            zv = ir.Constant(vec, ir.Undefined)
            for r in range(8):
                zv = builder.insert_element(zv, z8, ir.IntType(32)(r))
            insert = cast(Any, cgutils).get_or_insert_function
            fma = insert(builder.module, ir.FunctionType(vec, [vec] * 3), "llvm.fma.v8f64")
            fabs = insert(builder.module, ir.FunctionType(vec, [vec]), "llvm.fabs.v8f64")
            zero = ir.Constant(vec, [0.0] * 8)
            part = builder.sdiv(n_vec, n_vec.type(_CHAINS))
            top = builder.sub(part, part.type(1))
            entry = builder.block
            loop = builder.append_basic_block("horner8.loop")
            done = builder.append_basic_block("horner8.done")
            builder.branch(loop)
            builder.position_at_end(loop)
            i = builder.phi(n_vec.type)
            i.add_incoming(top, entry)
            state = []
            for _ in range(2 * _CHAINS):    # p and a of each chain
                phi = builder.phi(vec)
                phi.add_incoming(zero, entry)
                state.append(phi)
            zp = builder.phi(dbl)   # Z^k after k steps (Z = z^8): Z^part at the end
            zp.add_incoming(ir.Constant(dbl, 1.0), entry)
            zp_next = builder.fmul(zp, z8)
            zp.add_incoming(zp_next, loop)
            nxt = []
            for chain in range(_CHAINS):
                at = builder.add(i, builder.mul(part, part.type(chain)))
                cv = builder.load(builder.gep(base, [at]), align=8, typ=vec)
                pv, av = state[2 * chain], state[2 * chain + 1]
                a_next = builder.call(fma, [av, zv, pv if want else builder.call(fabs, [cv])])
                nxt += [builder.call(fma, [pv, zv, cv]), a_next]
            i_next = builder.sub(i, i.type(1))
            i.add_incoming(i_next, loop)
            for phi, value in zip(state, nxt, strict=True):
                phi.add_incoming(value, loop)
            builder.cbranch(builder.icmp_signed(">=", i_next, i.type(0)), loop, done)
            builder.position_at_end(done)

            def splat(x: Any) -> Any:
                v = ir.Constant(vec, ir.Undefined)
                for r in range(8):
                    v = builder.insert_element(v, x, ir.IntType(32)(r))
                return v

            # h_r = sum_c Z^(c part) chain_c, by Horner's rule in Z^part; its derivative
            # in Z likewise, plus sum_c c part Z^(c part - 1) chain_c
            zq = splat(zp_next)
            p_next = nxt[2 * (_CHAINS - 1)]
            a_next = nxt[2 * (_CHAINS - 1) + 1]
            for chain in range(_CHAINS - 2, -1, -1):
                p_next = builder.call(fma, [zq, p_next, nxt[2 * chain]])
                a_next = builder.call(fma, [zq, a_next, nxt[2 * chain + 1]])
            if want:
                # sum_{c >= 1} c Z^((c-1) part) chain_c, times part Z^(part - 1)
                lift = nxt[2 * (_CHAINS - 1)]
                lift = builder.fmul(splat(ir.Constant(dbl, float(_CHAINS - 1))), lift)
                for chain in range(_CHAINS - 2, 0, -1):
                    lift = builder.call(fma, [zq, lift, builder.fmul(
                        splat(ir.Constant(dbl, float(chain))), nxt[2 * chain])])
                scale = builder.fmul(builder.sitofp(part, dbl), zp)
                a_next = builder.call(fma, [splat(scale), lift, a_next])
            # join the lanes: h = sum_r z^r P_r, each sum a tree of pairs
            z2 = builder.fmul(zval, zval)
            z3 = builder.fmul(z2, zval)
            z4 = builder.fmul(z2, z2)
            powers = [ir.Constant(dbl, 1.0), zval, z2, z3, z4, builder.fmul(z4, zval),
                      builder.fmul(z4, z2), builder.fmul(z4, z3)]

            def splat_each(values: list[Any]) -> Any:
                v = ir.Constant(vec, ir.Undefined)
                for r, x in enumerate(values):
                    v = builder.insert_element(v, x, ir.IntType(32)(r))
                return v

            def total(v: Any) -> Any:
                for width in (4, 2, 1):
                    lo = builder.shuffle_vector(v, v, ir.Constant(
                        ir.VectorType(ir.IntType(32), width), list(range(width))))
                    hi = builder.shuffle_vector(v, v, ir.Constant(
                        ir.VectorType(ir.IntType(32), width), list(range(width, 2 * width))))
                    v = builder.fadd(lo, hi)
                return builder.extract_element(v, ir.IntType(32)(0))

            pw = splat_each(powers)
            p = total(builder.fmul(pw, p_next))
            if want:
                # h' = sum_r r z^(r-1) P_r + 8 z^7 sum_r z^r P_r'(z^8)
                weights = [ir.Constant(dbl, 0.0)] + [
                    builder.fmul(ir.Constant(dbl, float(r)), powers[r - 1]) for r in range(1, 8)]
                eight = builder.fmul(ir.Constant(dbl, 8.0), powers[7])
                lifted = splat_each([builder.fmul(eight, x) for x in powers])
                tail = total(builder.call(fma, [lifted, a_next,
                                                builder.fmul(splat_each(weights), p_next)]))
            else:
                tail = total(builder.fmul(pw, a_next))
            return context.make_tuple(builder, signature.return_type, [p, tail])

        return sig, codegen

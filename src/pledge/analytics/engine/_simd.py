"""Hardware helpers of the waterfall engine: wide vector registers for a compiled
function, an 8 x 8 transpose of float64 tiles done in registers, and prefetches of the next
block's cache lines.

They change how fast the engine runs, never what it computes: the transpose moves
values without arithmetic, the vector width only decides how many paths one
instruction handles, and a prefetch is a hint.
"""

from __future__ import annotations

from typing import Any, cast

from pledge.analytics.engine._jit import F64, I64, _config, _jit

TILE = 8
"""Rows and columns of a tile :func:`_transpose8` moves: eight float64, one 64-byte
vector register (and, where the rows are aligned, one cache line)."""


def _wide_vectors_none() -> None:
    """Nothing: interpreted code has no vector registers to choose."""


def _transpose8_plain(src: F64, r0: int, c0: int, dst: F64, r1: int, c1: int) -> None:
    """:func:`_transpose8` when nothing is compiled."""
    dst[r1:r1 + TILE, c1:c1 + TILE] = src[r0:r0 + TILE, c0:c0 + TILE].T


def _butterfly() -> list[tuple[int, int, list[int]]]:
    """The 24 two-source shuffles that turn eight rows into eight columns, as
    ``(first, second, lanes)`` over a list of vectors that grows by one a shuffle:
    vectors 0-7 are the rows, each shuffle appends one vector taking ``lanes`` (0-7 from
    ``first``, 8-15 from ``second``), and the last eight appended are the columns.

    Three stages exchange ever larger blocks: pairs of elements between rows i and
    i+1, then pairs of pairs between i and i+2, then halves between i and i+4 (each a
    single two-source permute on processors with 512-bit vectors)."""
    plan: list[tuple[int, int, list[int]]] = []
    current = list(range(TILE))
    for step in (1, 2, 4):
        lo = [k + (TILE if (k // step) % 2 else 0) - (step if (k // step) % 2 else 0)
              for k in range(TILE)]
        hi = [k + (TILE if (k // step) % 2 else 0) + (0 if (k // step) % 2 else step)
              for k in range(TILE)]
        nxt = [0] * TILE
        for i in range(TILE):
            if (i // step) % 2:
                continue
            a, b = current[i], current[i + step]
            plan.append((a, b, lo))
            nxt[i] = TILE + len(plan) - 1
            plan.append((a, b, hi))
            nxt[i + step] = TILE + len(plan) - 1
        current = nxt
    return plan


def _plan_result(plan: list[tuple[int, int, list[int]]]) -> list[int]:
    """The indices, in the growing list of vectors, of the eight columns ``plan`` ends
    with, in column order (see :func:`_butterfly`)."""
    current = list(range(TILE))
    made = TILE
    for step in (1, 2, 4):
        nxt = [0] * TILE
        for i in range(TILE):
            if (i // step) % 2:
                continue
            nxt[i], nxt[i + step] = made, made + 1
            made += 2
        current = nxt
    assert made == TILE + len(plan)
    return current


def butterfly_columns(rows: list[list[Any]]) -> list[list[Any]]:
    """The columns of the 8 x 8 ``rows``, computed by the shuffles :func:`_transpose8`
    compiles (for tests: the plan is checked in Python, element by element)."""
    vectors = [list(r) for r in rows]
    plan = _butterfly()
    for a, b, lanes in plan:
        both = vectors[a] + vectors[b]
        vectors.append([both[k] for k in lanes])
    return [vectors[i] for i in _plan_result(plan)]


def _prefetch_l2_none(address: int, write: bool) -> None:
    """Nothing: a prefetch is a hint, and interpreted code has no cache to warm."""


if _config.DISABLE_JIT:
    _wide_vectors = _wide_vectors_none
    _transpose8 = _transpose8_plain
    _prefetch_l2 = _prefetch_l2_none
else:
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def _wide_vectors(typingctx: Any) -> Any:
        """Let the compiler use 512-bit vectors in the function that calls this.

        LLVM keeps its loop vectoriser to 256-bit registers on processors where the
        wider ones could lower the clock; the engine's loops are long, regular and
        bound by the number of instructions, so on processors with 512-bit vector units
        they run faster at eight lanes. (An attribute of the calling function; no
        instruction. Where the processor lacks 512-bit vectors nothing changes.)"""
        sig = types.void()

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            attrs = builder.function.attributes
            # llvmlite only names LLVM's keyword attributes; these are string ones
            set.add(attrs, '"prefer-vector-width"="512"')
            set.add(attrs, '"min-legal-vector-width"="512"')
            return context.get_dummy_value()

        return sig, codegen

    @intrinsic
    def _prefetch_l2(typingctx: Any, address: Any, write: Any) -> Any:
        """Ask the processor to bring the cache line at ``address`` (an integer) into
        its second-level cache, to be read soon or, when ``write`` (a literal), written
        (then the line comes owned, and the store later does not wait for it). One
        instruction, no effect on any result."""
        rw = getattr(write, "literal_value", None)
        if rw is None:
            return None
        sig = types.void(types.uintp, write)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            i8p = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
            fn = cast(Any, cgutils).get_or_insert_function(builder.module, fnty,
                                                           "llvm.prefetch.p0")
            ptr = builder.inttoptr(args[0], i8p)
            builder.call(fn, [ptr, i32(1 if rw else 0), i32(2), i32(1)])
            return context.get_dummy_value()

        return sig, codegen

    @intrinsic
    def _transpose8(typingctx: Any, src: Any, r0: Any, c0: Any, dst: Any, r1: Any,
                    c1: Any) -> Any:
        """``dst[r1:r1+8, c1:c1+8] = src[r0:r0+8, c0:c0+8].T`` for 2-D float64 arrays
        whose rows are contiguous: eight vector loads, the 24 shuffles of
        :func:`_butterfly`, eight vector stores. No bounds are checked: the caller
        keeps both tiles inside their arrays."""
        sig = types.void(src, r0, c0, dst, r1, c1)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            vec = ir.VectorType(ir.DoubleType(), TILE)
            lanes = ir.VectorType(ir.IntType(32), TILE)
            i64 = ir.IntType(64)

            def corner(aryty: Any, value: Any, row: Any, col: Any) -> tuple[Any, Any]:
                ary = context.make_array(aryty)(context, builder, value)
                strides = cast(Any, cgutils).unpack_tuple(builder, ary.strides, 2)
                offset = builder.add(builder.mul(builder.sext(row, i64), strides[0]),
                                     builder.mul(builder.sext(col, i64), strides[1]))
                return builder.add(builder.ptrtoint(ary.data, i64), offset), strides[0]

            def at(base: Any, stride: Any, i: int) -> Any:
                address = builder.add(base, builder.mul(stride, i64(i)))
                return builder.inttoptr(address, vec.as_pointer())

            s_base, s_stride = corner(signature.args[0], args[0], args[1], args[2])
            d_base, d_stride = corner(signature.args[3], args[3], args[4], args[5])
            vectors = [builder.load(at(s_base, s_stride, i), align=8) for i in range(TILE)]
            plan = _butterfly()
            for a, b, mask in plan:
                vectors.append(builder.shuffle_vector(vectors[a], vectors[b],
                                                      ir.Constant(lanes, mask)))
            for i, k in enumerate(_plan_result(plan)):
                builder.store(vectors[k], at(d_base, d_stride, i), align=8)
            return context.get_dummy_value()

        return sig, codegen


AHEAD = 9
"""Entries of the prefetch plan :func:`_ahead` fills and :func:`_fetch_ahead` follows."""


@_jit(inline=True)
def _fetch_ahead(ahead: I64, t: int, n_t: int) -> None:
    """Period ``t``'s share of the prefetches for the next block (``ahead``: see
    :func:`_ahead`): the next block's funding and cash lines into the second-level
    cache (read) and its partner-flow lines (written), spread evenly over the periods,
    so that they arrive while this block computes instead of stalling the tiles. The
    plan keeps its place (row and line) from period to period, so finding the next
    line takes no division."""
    todo = min(ahead[6], ahead[0] - t * ahead[6])
    row_lines = ahead[1]
    row = ahead[7]
    line = ahead[8]
    for _ in range(todo):
        offset = row * ahead[2] + line * 64
        _prefetch_l2(ahead[3] + offset, False)
        _prefetch_l2(ahead[4] + offset, False)
        if ahead[5] != 0:
            _prefetch_l2(ahead[5] + offset, True)
        line += 1
        if line == row_lines:
            line = 0
            row += 1
    ahead[7] = row
    ahead[8] = line


@_jit()
def _ahead(ahead: I64, funding: F64, dist: F64, out: F64, write_out: bool, p0: int,
           m: int) -> None:
    """Fill ``ahead`` (``AHEAD`` entries) for the block of ``m`` paths from ``p0`` (no
    lines when ``m`` is 0): its lines in all, a row's lines, a row's bytes, the
    64-byte-aligned addresses of its first row in funding, cash and, when written, the
    partner flows (all three the same shape, rows C-contiguous), the lines to fetch a
    period, and the place reached (row, line)."""
    row_bytes = funding.strides[0]
    row_lines = (row_bytes + 63) // 64 + 1
    ahead[0] = max(m, 0) * row_lines
    ahead[1] = row_lines
    ahead[2] = row_bytes
    ahead[3] = (funding.ctypes.data + p0 * row_bytes) // 64 * 64
    ahead[4] = (dist.ctypes.data + p0 * dist.strides[0]) // 64 * 64
    ahead[5] = (out.ctypes.data + p0 * out.strides[0]) // 64 * 64 if write_out else 0
    n_t = max(funding.shape[1], 1)
    ahead[6] = (ahead[0] + n_t - 1) // n_t
    ahead[7] = 0
    ahead[8] = 0


def aligned_lead(address: int, row_bytes: int) -> int:
    """Columns to skip at the start of each row so that tiles from there on start on a
    64-byte boundary (0 when rows are not all aligned alike or not 8-byte aligned):
    a 64-byte load that straddles two cache lines costs two."""
    if address % 8 or row_bytes % 64:
        return 0
    return ((64 - address % 64) % 64) // 8


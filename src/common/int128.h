// common/int128.h — 128-bit integers for exact intermediate results (products of two int64
// amounts, sums over a market). GCC and Clang provide them as an extension; `__extension__`
// keeps -Wpedantic quiet about it in one place.
#pragma once

namespace mc {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

}  // namespace mc

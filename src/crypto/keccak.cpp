// Keccak-256 as Ethereum uses it: Keccak-f[1600], rate 1088 bits (136 bytes), capacity 512,
// output 256 bits, and the original multi-rate padding 0x01 ... 0x80 (NIST SHA3-256 differs
// only in using 0x06). Debian 12's OpenSSL 3.0 has no KECCAK-256, hence this small,
// vector-tested implementation (tests/crypto/keccak_test.cpp).
#include <cstring>

#include "marketcore/crypto.h"

namespace mc::crypto {
namespace {

constexpr size_t kRateBytes = 136;
constexpr int kRounds = 24;

constexpr uint64_t kRoundConstants[kRounds] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets and lane permutation of the combined rho and pi steps.
constexpr int kRho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                          27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kPi[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                         15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

uint64_t rotate_left(uint64_t value, int shift) {
  return (value << shift) | (value >> (64 - shift));
}

void keccak_f1600(uint64_t state[25]) {
  for (int round = 0; round < kRounds; ++round) {
    uint64_t column[5];
    for (int x = 0; x < 5; ++x) {
      column[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
    }
    for (int x = 0; x < 5; ++x) {
      const uint64_t d = column[(x + 4) % 5] ^ rotate_left(column[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) state[y + x] ^= d;
    }
    uint64_t carry = state[1];
    for (int i = 0; i < 24; ++i) {
      const int target = kPi[i];
      const uint64_t saved = state[target];
      state[target] = rotate_left(carry, kRho[i]);
      carry = saved;
    }
    for (int y = 0; y < 25; y += 5) {
      uint64_t row[5];
      for (int x = 0; x < 5; ++x) row[x] = state[y + x];
      for (int x = 0; x < 5; ++x) state[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    state[0] ^= kRoundConstants[round];
  }
}

// Lanes are little-endian 64-bit words.
void absorb_block(uint64_t state[25], const uint8_t* block) {
  for (size_t lane = 0; lane < kRateBytes / 8; ++lane) {
    uint64_t word = 0;
    for (int byte = 7; byte >= 0; --byte) word = (word << 8) | block[lane * 8 + byte];
    state[lane] ^= word;
  }
  keccak_f1600(state);
}

}  // namespace

Digest32 keccak256(std::string_view data) {
  uint64_t state[25] = {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  size_t remaining = data.size();
  while (remaining >= kRateBytes) {
    absorb_block(state, bytes);
    bytes += kRateBytes;
    remaining -= kRateBytes;
  }
  uint8_t last[kRateBytes] = {};
  if (remaining > 0) std::memcpy(last, bytes, remaining);
  last[remaining] ^= 0x01;
  last[kRateBytes - 1] ^= 0x80;
  absorb_block(state, last);

  Digest32 digest{};
  for (size_t i = 0; i < digest.size(); ++i) {
    digest[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  }
  return digest;
}

}  // namespace mc::crypto

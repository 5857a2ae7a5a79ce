#include "sim/rng.h"

#include <cmath>

#include "sim/check.h"
#include "sim/fdmath.h"

namespace gogcsim::sim {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

Rng Rng::Stream(uint64_t root, std::string_view name) {
  uint64_t st = root ^ Fnv1a64(name);
  const uint64_t a = SplitMix64(&st);
  const uint64_t b = SplitMix64(&st);
  const uint64_t c = SplitMix64(&st);
  const uint64_t d = SplitMix64(&st);
  return Rng(a, b, c, d);
}

uint64_t Rng::UniformInt(uint64_t n) {
  GOGCSIM_CHECK(n > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::UniformInt(int64_t lo, int64_t hi) {
  GOGCSIM_CHECK(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t off = span == UINT64_MAX ? Next() : UniformInt(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + off);
}

double Rng::Exponential(double mean) {
  // 1 - u is in (0, 1], so the log is finite.
  return -mean * Log(1.0 - UniformDouble());
}

double Rng::Normal(double mean, double stddev) {
  double u, v, s;
  do {
    u = 2.0 * UniformDouble() - 1.0;
    v = 2.0 * UniformDouble() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  // std::sqrt is correctly rounded by IEEE-754, hence portable.
  return mean + stddev * (u * std::sqrt(-2.0 * Log(s) / s));
}

double Rng::LogNormal(double mu, double sigma) { return Exp(Normal(mu, sigma)); }

}  // namespace gogcsim::sim

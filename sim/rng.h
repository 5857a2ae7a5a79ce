// Seeded, reproducible randomness for the simulated machine.
//
// One root seed; each named stream is derived from it (FNV-1a 64 of the name
// xor the root seed, expanded by SplitMix64 into a xoshiro256** state), so
// adding a stream never shifts the values of another. The generator and all
// distributions are our own code over IEEE-754 arithmetic (log/exp from
// sim/fdmath), so a seed gives the same values on every compiler and library.
#ifndef GOGCSIM_SIM_RNG_H_
#define GOGCSIM_SIM_RNG_H_

#include <cstdint>
#include <string_view>

namespace gogcsim::sim {

// SplitMix64 (Steele, Lea, Flood 2014): advances *state, returns the output.
uint64_t SplitMix64(uint64_t* state);
// FNV-1a 64-bit hash of the bytes of s.
uint64_t Fnv1a64(std::string_view s);

class Rng {
 public:
  // xoshiro256** with the given state words (not all zero).
  Rng(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3) : s_{s0, s1, s2, s3} {}
  // The stream `name` under root seed `root`.
  static Rng Stream(uint64_t root, std::string_view name);

  // xoshiro256** (Blackman, Vigna 2018).
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0; Lemire's multiply-and-reject (unbiased).
  uint64_t UniformInt(uint64_t n);
  // Uniform in [lo, hi], lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool Bernoulli(double p) { return UniformDouble() < p; }
  // Exponential with the given mean (inverse transform).
  double Exponential(double mean);
  // Normal (Marsaglia's polar method; the second variate is discarded so
  // that each call consumes only its own draws).
  double Normal(double mean, double stddev);
  // exp(Normal(mu, sigma)).
  double LogNormal(double mu, double sigma);

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_RNG_H_

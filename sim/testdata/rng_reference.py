#!/usr/bin/env python3
"""Independent reference for sim/rng_test.cc.

A direct transcription of Sebastiano Vigna's public-domain reference C code
for SplitMix64 and xoshiro256** (prng.di.unimi.it), in Python's arbitrary
precision integers, with gogcsim's stream derivation (FNV-1a 64 of the name
xor the root seed, expanded by SplitMix64). Prints the vectors the C++ test
checks. Run: python3 sim/testdata/rng_reference.py
"""
M = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def xoshiro_next(s):
    result = (rotl((s[1] * 5) & M, 7) * 9) & M
    t = (s[1] << 17) & M
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return result


def fnv1a64(name):
    h = 0xCBF29CE484222325
    for b in name.encode():
        h ^= b
        h = (h * 0x100000001B3) & M
    return h


def stream_state(root, name):
    st = root ^ fnv1a64(name)
    s = []
    for _ in range(4):
        st, z = splitmix64(st)
        s.append(z)
    return s


if __name__ == "__main__":
    st = 0
    out = []
    for _ in range(5):
        st, z = splitmix64(st)
        out.append(z)
    print("splitmix64 seed 0:", ", ".join("0x%016x" % v for v in out))
    s = [1, 2, 3, 4]
    print("xoshiro256** state {1,2,3,4}:", ", ".join("0x%016x" % xoshiro_next(s) for _ in range(6)))
    for root, name in [(42, "sched"), (42, "mutator"), (7, "sched")]:
        s = stream_state(root, name)
        print("stream(%d, %r):" % (root, name), ", ".join("0x%016x" % xoshiro_next(s) for _ in range(4)))
    print("fnv1a64('sched') = 0x%016x" % fnv1a64("sched"))

// Portable log and exp: the fdlibm algorithms (as in FreeBSD msun and Go's
// math package), built from IEEE-754 +,-,*,/ only, so every compiler and libm
// version gives the same bits. The RNG's distributions use these instead of
// std::log/std::exp, whose last bit may differ between libm versions.
#ifndef GOGCSIM_SIM_FDMATH_H_
#define GOGCSIM_SIM_FDMATH_H_

namespace gogcsim::sim {

// Natural logarithm; error < 1 ulp. Log(0) = -inf, Log(x<0) = NaN.
double Log(double x);
// e**x; error < 1 ulp. Overflows to +inf above ~709.78, 0 below ~-745.13.
double Exp(double x);

}  // namespace gogcsim::sim

#endif  // GOGCSIM_SIM_FDMATH_H_

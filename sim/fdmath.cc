#include "sim/fdmath.h"

#include <cmath>
#include <limits>

namespace gogcsim::sim {
namespace {
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
}  // namespace

double Log(double x) {
  constexpr double L1 = 6.666666666666735130e-01;  // 0x3FE5555555555593
  constexpr double L2 = 3.999999999940941908e-01;  // 0x3FD999999997FA04
  constexpr double L3 = 2.857142874366239149e-01;  // 0x3FD2492494229359
  constexpr double L4 = 2.222219843214978396e-01;  // 0x3FCC71C51D8E78AF
  constexpr double L5 = 1.818357216161805012e-01;  // 0x3FC7466496CB03DE
  constexpr double L6 = 1.531383769920937332e-01;  // 0x3FC39A09D078C69F
  constexpr double L7 = 1.479819860511658591e-01;  // 0x3FC2F112DF3E5244
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  // x = f1 * 2**ki with f1 in [sqrt(2)/2, sqrt(2)); frexp is exact.
  int ki;
  double f1 = std::frexp(x, &ki);
  if (f1 < 0.70710678118654752440 /* Sqrt2/2 */) {
    f1 *= 2;
    ki--;
  }
  const double f = f1 - 1;
  const double k = static_cast<double>(ki);
  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const double t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const double R = t1 + t2;
  const double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + R) + k * kLn2Lo)) - f);
}

double Exp(double x) {
  constexpr double kLog2e = 1.44269504088896338700e+00;
  constexpr double kOverflow = 7.09782712893383973096e+02;
  constexpr double kUnderflow = -7.45133219101941108420e+02;
  constexpr double kNearZero = 1.0 / (1 << 28);
  constexpr double P1 = 1.66666666666666657415e-01;   // 0x3FC5555555555555
  constexpr double P2 = -2.77777777770155933842e-03;  // 0xBF66C16C16BEBD93
  constexpr double P3 = 6.61375632143793436117e-05;   // 0x3F11566AAF25DE2C
  constexpr double P4 = -1.65339022054652515390e-06;  // 0xBEBBBD41C5D26BF1
  constexpr double P5 = 4.13813679705723846039e-08;   // 0x3E66376972BEA4D0
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x == -std::numeric_limits<double>::infinity()) return 0;
  if (x > kOverflow) return std::numeric_limits<double>::infinity();
  if (x < kUnderflow) return 0;
  if (-kNearZero < x && x < kNearZero) return 1 + x;
  // Reduce: x = k*ln2 + r, |r| <= 0.5*ln2, r computed as hi - lo.
  int k = 0;
  if (x < 0) k = static_cast<int>(kLog2e * x - 0.5);
  if (x > 0) k = static_cast<int>(kLog2e * x + 0.5);
  const double hi = x - static_cast<double>(k) * kLn2Hi;
  const double lo = static_cast<double>(k) * kLn2Lo;
  const double r = hi - lo;
  const double t = r * r;
  const double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const double y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return std::ldexp(y, k);
}

}  // namespace gogcsim::sim

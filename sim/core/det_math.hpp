// Logarithm and exponential that give the same bits on every platform: libm's log and exp are not
// required to be correctly rounded and differ between implementations, so sampled delays would too.
// These use only +, −, ×, ÷ (IEEE correctly rounded), std::frexp and std::ldexp (exact), and
// constants computed at compile time from exact fractions.
#pragma once

namespace hbsim {

/// Natural logarithm: within 1 ulp over the whole positive range. det_log(1) == 0, det_log(0) == −inf,
/// det_log(+inf) == +inf, NaN for negative or NaN arguments.
double det_log(double x);

/// e^x: within 1 ulp for finite results. det_exp(0) == 1; saturates to +inf above ln(DBL_MAX) and
/// to 0 below about −745.13 (where e^x rounds to zero); NaN stays NaN.
double det_exp(double x);

}  // namespace hbsim

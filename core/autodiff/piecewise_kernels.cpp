#include "core/autodiff/piecewise_kernels.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sd::ad::detail {

namespace {

// The scalar formulas (ops.h); the two-lane overloads below compute exactly these per element, so one loop
// (mapEach, addScaledBy) serves ReHU and its derivatives.
inline double rehu(double v, double d) { return v <= 0 ? 0.0 : (v < d ? v * v / (2 * d) : v - d / 2); }
inline double rehuPrime(double v, double d) { return v <= 0 ? 0.0 : (v < d ? v / d : 1.0); }
inline double rehuSecond(double v, double d) { return (v > 0 && v < d) ? 1.0 / d : 0.0; }

#if defined(__SSE2__)
// mask ? a : b, per lane (mask lanes are all ones or all zeros).
inline __m128d pick(__m128d mask, __m128d a, __m128d b) { return _mm_or_pd(_mm_and_pd(mask, a), _mm_andnot_pd(mask, b)); }

inline __m128d rehu(__m128d x, double d) {
    const __m128d zero = _mm_setzero_pd(), vd = _mm_set1_pd(d);
    const __m128d quad = _mm_div_pd(_mm_mul_pd(x, x), _mm_set1_pd(2 * d));
    const __m128d lin = _mm_sub_pd(x, _mm_set1_pd(d / 2));
    // x ≤ 0 → 0 (andnot keeps the lanes where x ≤ 0 is false; NaN compares false and stays NaN via lin).
    return _mm_andnot_pd(_mm_cmple_pd(x, zero), pick(_mm_cmplt_pd(x, vd), quad, lin));
}
inline __m128d rehuPrime(__m128d x, double d) {
    const __m128d zero = _mm_setzero_pd(), vd = _mm_set1_pd(d);
    const __m128d ramp = _mm_div_pd(x, vd);
    return _mm_andnot_pd(_mm_cmple_pd(x, zero), pick(_mm_cmplt_pd(x, vd), ramp, _mm_set1_pd(1.0)));
}
inline __m128d rehuSecond(__m128d x, double d) {
    const __m128d inside = _mm_and_pd(_mm_cmpgt_pd(x, _mm_setzero_pd()), _mm_cmplt_pd(x, _mm_set1_pd(d)));
    return _mm_and_pd(inside, _mm_set1_pd(1.0 / d));
}
#endif

/// y[i] = f(x[i]), two lanes at a time, the tail one by one.
template <class F>
void mapEach(const double* x, double* y, Index n, F f) {
    Index i = 0;
#if defined(__SSE2__)
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, f(_mm_loadu_pd(x + i)));
#endif
    for (; i < n; ++i) y[i] = f(x[i]);
}

/// out[i] += g[i] · f(x[i]) (the chain rule through an elementwise map whose derivative is f).
template <class F>
void addScaledBy(const double* x, const double* g, double* out, Index n, F f) {
    Index i = 0;
#if defined(__SSE2__)
    for (; i + 2 <= n; i += 2) {
        const __m128d v = _mm_mul_pd(_mm_loadu_pd(g + i), f(_mm_loadu_pd(x + i)));
        _mm_storeu_pd(out + i, _mm_add_pd(_mm_loadu_pd(out + i), v));
    }
#endif
    for (; i < n; ++i) out[i] += g[i] * f(x[i]);
}

}  // namespace

void stepValue(const double* x, double* y, Index n) {
    Index i = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _mm_and_pd(_mm_cmpgt_pd(_mm_loadu_pd(x + i), zero), one));
#endif
    for (; i < n; ++i) y[i] = x[i] > 0.0 ? 1.0 : 0.0;
}

void reluGradAdd(const double* x, const double* g, double* out, Index n) {
    Index i = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd();
    for (; i + 2 <= n; i += 2) {
        const __m128d m = _mm_cmpgt_pd(_mm_loadu_pd(x + i), zero);
        _mm_storeu_pd(out + i, _mm_add_pd(_mm_loadu_pd(out + i), _mm_and_pd(m, _mm_loadu_pd(g + i))));
    }
#endif
    for (; i < n; ++i) out[i] += x[i] > 0.0 ? g[i] : 0.0;
}

void leakyReluValue(const double* x, double* y, Index n, double slope) {
    Index i = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd(), s = _mm_set1_pd(slope);
    for (; i + 2 <= n; i += 2) {
        const __m128d v = _mm_loadu_pd(x + i);
        _mm_storeu_pd(y + i, pick(_mm_cmpgt_pd(v, zero), v, _mm_mul_pd(s, v)));
    }
#endif
    for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : slope * x[i];
}

void leakyStepValue(const double* x, double* y, Index n, double slope) {
    Index i = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0), s = _mm_set1_pd(slope);
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, pick(_mm_cmpgt_pd(_mm_loadu_pd(x + i), zero), one, s));
#endif
    for (; i < n; ++i) y[i] = x[i] > 0 ? 1.0 : slope;
}

void leakyReluGradAdd(const double* x, const double* g, double* out, Index n, double slope) {
    Index i = 0;
#if defined(__SSE2__)
    const __m128d zero = _mm_setzero_pd(), s = _mm_set1_pd(slope);
    for (; i + 2 <= n; i += 2) {
        const __m128d G = _mm_loadu_pd(g + i);
        const __m128d v = pick(_mm_cmpgt_pd(_mm_loadu_pd(x + i), zero), G, _mm_mul_pd(s, G));
        _mm_storeu_pd(out + i, _mm_add_pd(_mm_loadu_pd(out + i), v));
    }
#endif
    for (; i < n; ++i) out[i] += x[i] > 0.0 ? g[i] : slope * g[i];
}

void rehuValue(const double* x, double* y, Index n, double d) { mapEach(x, y, n, [d](auto v) { return rehu(v, d); }); }
void rehuPrimeValue(const double* x, double* y, Index n, double d) { mapEach(x, y, n, [d](auto v) { return rehuPrime(v, d); }); }
void rehuSecondValue(const double* x, double* y, Index n, double d) { mapEach(x, y, n, [d](auto v) { return rehuSecond(v, d); }); }
void rehuGradAdd(const double* x, const double* g, double* out, Index n, double d) { addScaledBy(x, g, out, n, [d](auto v) { return rehuPrime(v, d); }); }
void rehuPrimeGradAdd(const double* x, const double* g, double* out, Index n, double d) { addScaledBy(x, g, out, n, [d](auto v) { return rehuSecond(v, d); }); }

}  // namespace sd::ad::detail

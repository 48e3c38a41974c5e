#include "CKernels.h"
#include <math.h>

// sqrtf sets errno on a negative argument, so under C's default -fmath-errno a loop
// calling it stays scalar (a call into libm per element). Clang's elementwise builtin is
// the IEEE square root with no errno, so the loop vectoriser emits packed square roots
// (sqrtps) at SwiftPM's release -O2 without -fno-math-errno, a flag SwiftPM forbids in
// packages used as versioned dependencies. Same correctly rounded result as sqrtf.
static inline float square_root(float x) {
#if __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    return sqrtf(x);
#endif
}

void synapse_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                         float *restrict vmax, size_t count, float step_size, float beta1, float beta2,
                         float epsilon, float correction, float l2, float decay) {
    const float one_minus_beta1 = 1.0f - beta1, one_minus_beta2 = 1.0f - beta2;
    if (vmax) {
        for (size_t i = 0; i < count; i++) {
            const float old = p[i];
            const float grad = g[i] + l2 * old;
            const float first = m[i] + one_minus_beta1 * (grad - m[i]);
            const float second = beta2 * v[i] + one_minus_beta2 * (grad * grad);
            const float moment = vmax[i] > second ? vmax[i] : second;
            m[i] = first;
            v[i] = second;
            vmax[i] = moment;
            p[i] = old * decay - step_size * (first / (square_root(moment) / correction + epsilon));
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            const float old = p[i];
            const float grad = g[i] + l2 * old;
            const float first = m[i] + one_minus_beta1 * (grad - m[i]);
            const float second = beta2 * v[i] + one_minus_beta2 * (grad * grad);
            m[i] = first;
            v[i] = second;
            p[i] = old * decay - step_size * (first / (square_root(second) / correction + epsilon));
        }
    }
}

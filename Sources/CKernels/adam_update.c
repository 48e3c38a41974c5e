#include "CKernels.h"
#include <math.h>

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
            p[i] = old * decay - step_size * (first / (sqrtf(moment) / correction + epsilon));
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            const float old = p[i];
            const float grad = g[i] + l2 * old;
            const float first = m[i] + one_minus_beta1 * (grad - m[i]);
            const float second = beta2 * v[i] + one_minus_beta2 * (grad * grad);
            m[i] = first;
            v[i] = second;
            p[i] = old * decay - step_size * (first / (sqrtf(second) / correction + epsilon));
        }
    }
}

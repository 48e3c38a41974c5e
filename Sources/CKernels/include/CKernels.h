// Small C pieces Swift cannot express well. Kernels that need a vector square root:
// Swift's Float.squareRoot() lowers to libm's errno-setting sqrtf, which keeps loops
// scalar; these kernels use clang's __builtin_elementwise_sqrt, which sets no errno, so
// the compiler emits packed square roots with no special flags. And the floating-point
// unit's denormal mode, which is per thread.
#ifndef SYNAPSE_CKERNELS_H
#define SYNAPSE_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

// One Adam/AdamW step over count elements, in place (PyTorch's order of operations):
//   g' = g + l2 * p;  m = m + (1 - beta1) * (g' - m);  v = beta2 * v + (1 - beta2) * g'^2
//   vmax = max(vmax, v) when vmax is not NULL (AMSGrad; used in place of v)
//   p = p * decay - step_size * m / (sqrt(v) / correction + epsilon)
void synapse_adam_update(float *p, const float *g, float *m, float *v, float *vmax, size_t count,
                         float step_size, float beta1, float beta2, float epsilon, float correction,
                         float l2, float decay);

// One RMSprop step over count elements, in place (PyTorch's order of operations):
//   s = rho * s + (1 - rho) * g^2
//   a = a + (1 - rho) * (g - a) and s' = s - a^2 when grad_avg (a) is not NULL (centered), else s' = s
//   q = g / (sqrt(s') + epsilon)
//   b = momentum * b + q and p = p - learning_rate * b when buffer (b) is not NULL, else p = p - learning_rate * q
void synapse_rmsprop_update(float *p, const float *g, float *square_avg, float *grad_avg, float *buffer,
                            size_t count, float learning_rate, float rho, float epsilon, float momentum);

// One Adagrad step over count elements, in place:
//   s = s + g^2;  p = p - learning_rate * g / (sqrt(s) + epsilon)
void synapse_adagrad_update(float *p, const float *g, float *sum, size_t count, float learning_rate,
                            float epsilon);

// Turns flush-to-zero and denormals-are-zero on for the calling thread (MXCSR
// FTZ/DAZ on x86, FPCR.FZ on ARM; nothing elsewhere) and returns the previous
// control word for synapse_restore_float_control.
unsigned long long synapse_enter_flush_denormals(void);

// Puts back a control word returned by synapse_enter_flush_denormals.
void synapse_restore_float_control(unsigned long long saved);

// Whether the calling thread flushes denormals.
int synapse_flush_denormals_enabled(void);


// Max pooling of one NHWC image row range: for output rows [row_begin, row_end) of
// the flattened (image, output row) index, each output pixel's channels take the
// maximum over the window's in-image taps, and indices the flat input index of the
// first maximum (a NaN wins over any number and stays, as PyTorch's max pool);
// a window over padding only gives -infinity and index -1.
void synapse_max_pool_rows(const float *input, float *output, int32_t *indices,
                           long row_begin, long row_end, long input_height, long input_width, long channels,
                           long output_height, long output_width, long window_height, long window_width,
                           long stride_height, long stride_width, long dilation_height, long dilation_width,
                           long pad_top, long pad_left);

// Batch normalization over rows [rows, channels] (every axis but the channels flattened).
// Sums are accumulated in double, per call (the caller gives each thread its own rows
// and adds the partial sums in a fixed order).
//
// sum[c] += Σ_rows x[r, c]
void synapse_channel_sums(const float *x, long rows, long channels, double *sum);
// sum[c] += Σ_rows (x[r, c] - mean[c])²
void synapse_channel_squared_deviations(const float *x, long rows, long channels, const float *mean, double *sum);
// y[r, c] = x[r, c] * scale[c] + shift[c]
void synapse_channel_affine(const float *x, long rows, long channels, const float *scale, const float *shift,
                            float *y);
// sum_gradient[c] += Σ_rows g[r, c];  sum_gradient_centered[c] += Σ_rows g[r, c] * (x[r, c] - mean[c])
void synapse_batch_norm_gradient_sums(const float *x, const float *g, long rows, long channels, const float *mean,
                                      double *sum_gradient, double *sum_gradient_centered);
// dx[r, c] = p[c] * g[r, c] + q[c] * (x[r, c] - mean[c]) + s[c]
void synapse_batch_norm_input_gradient(const float *x, const float *g, long rows, long channels, const float *mean,
                                       const float *p, const float *q, const float *s, float *dx);

// Softmax (or, with logarithmic != 0, log-softmax) of each row of a [rows, columns]
// matrix: y = exp(x − max) / Σ exp(x − max), or (x − max) − log Σ exp(x − max).
// A row of −∞ gives NaN (as PyTorch); NaN propagates.
void synapse_softmax_rows(const float *x, float *y, long rows, long columns, int logarithmic);

// e^x with a relative error below 2e-7 (about 2 ulp) for x ≤ 88, 0 below −87.3,
// NaN for NaN, written so a loop of it vectorises (no libm call per element).
float synapse_exp(float x);

// out[i] = condition[i·condition_stride] ? when_true[i·true_stride] : when_false[i·false_stride]
// for i in [0, count): one row of a broadcast select over float32. Strides of 0 or 1
// (a broadcast operand or a contiguous one) take vectorised loops.
void synapse_select_row_f32(const uint8_t *condition, long condition_stride, const float *when_true,
                            long true_stride, const float *when_false, long false_stride, float *out, long count);

// The gradient of synapse_softmax_rows per row, from its output y and the output's
// gradient g: softmax dx = y · (g − Σ g·y); log-softmax dx = g − e^y · Σ g.
void synapse_softmax_backward_rows(const float *y, const float *g, float *dx, long rows, long columns,
                                   int logarithmic);

// y[r, j] = bias[j] + Σ_i x[r · ldx + i] · w[i, j] for rows r < m, i < k and j < n
// (w [k, n] and y [m, n] row-major; bias may be NULL). Meant for a few rows (one
// sample's Dense layer), where the weights stream once from cache; a product split
// along k between threads passes each part's x + k0, w + k0 · n and its own y, and
// adds the parts with synapse_dense_combine. Use it only where
// synapse_dense_rows_available() returns 1 (an AVX-512 CPU).
int synapse_dense_rows_available(void);
void synapse_dense_rows(const float *x, long ldx, long m, long k, const float *w, long n, const float *bias,
                        float *y);

// For begin ≤ i < end: y[i] += partials[p · stride + i] for p = 0, 1, … parts − 1 in
// that order, then y[i] = max(y[i], 0) (NaN kept) when relu is non-zero: the end
// of a product split along k, with its activation.
void synapse_dense_combine(float *y, const float *partials, long parts, long stride, long begin, long end, int relu);

// One LSTM step's element-wise half for one row, with sigmoid gates and tanh
// (Keras' i, f, g, o order, each block `units` wide): gates = act(pre + recurrent)
// (4·units, saved for the backward), c = f·c + i·g in place, activated_cell =
// tanh(c), h = o·tanh(c).
void synapse_lstm_cell_forward(const float *pre, const float *recurrent, float *gates, float *c,
                               float *activated_cell, float *h, long units);

// Its backward: from the saved gates, tanh(c), the previous c and dh, writes the
// pre-activation gradient of the four gates into d_pre (4·units) and replaces dc
// (the gradient of this step's c) by the gradient of the previous c.
void synapse_lstm_cell_backward(const float *gates, const float *activated_cell, const float *previous_cell,
                                const float *dh, float *dc, float *d_pre, long units);

// c[i · ldc + j] = Σ_p a[i · lda + p] · b[p · ldb + j] for i < m, j < n, p < k: the
// small per-step product of a recurrent time loop, on one thread. Use it only where
// synapse_step_product_available() returns 1 (an AVX-512 CPU).
int synapse_step_product_available(void);
void synapse_step_product(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long m, long n,
                          long k);

#endif

/*
 * convirt-blas: matrix products and NHWC convolutions for the engine's wasm
 * backend, computed by OpenBLAS on the tensors' own bytes in the wasm heap (a
 * Node-API addon: the caller passes Float32Array views of that heap, nothing
 * is copied across). Convolutions go through im2col in row chunks, so scratch
 * memory stays near 1 MiB whatever the image size:
 *   forward          y[r, co]      = cols[r, :] . W[:, co]          (W as [KH*KW*Ci, Co])
 *   backprop filter  dW[:, co]    += cols[r, :]^T . dy[r, co]
 *   backprop input   dcols[r, :]   = dy[r, :] . W^T, scattered back into dx (col2im)
 * where r runs over output positions (n, oh, ow) and a column over (kh, kw, ci).
 * Built by build-native.mjs; every entry point checks its arrays' lengths.
 */
#include <cblas.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

/* Geometry of a convolution, in the order of the Int32Array the caller passes. */
typedef struct {
  int n, h, w, ci, oh, ow, co, kh, kw, sh, sw, pad_top, pad_left, dh, dw;
} Geometry;

enum { GEOMETRY_FIELDS = 15, SCRATCH_FLOATS = 1 << 18 };

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int get_floats(napi_env env, napi_value value, float **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_float32_array;
}

static int get_geometry(napi_env env, napi_value value, Geometry *g) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset, length;
  int32_t *data;
  if (napi_get_typedarray_info(env, value, &type, &length, (void **)&data, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_int32_array || length != GEOMETRY_FIELDS) return 0;
  memcpy(g, data, sizeof(Geometry));
  return g->n > 0 && g->h > 0 && g->w > 0 && g->ci > 0 && g->oh > 0 && g->ow > 0 && g->co > 0 && g->kh > 0 && g->kw > 0 && g->sh > 0 &&
         g->sw > 0 && g->dh > 0 && g->dw > 0;
}

static int get_int(napi_env env, napi_value value, int *out) {
  int32_t v;
  if (napi_get_value_int32(env, value, &v) != napi_ok) return 0;
  *out = v;
  return 1;
}

/* Copies the patches of output rows [r0, r1) into cols [(r1 - r0), KH*KW*Ci], zeros where they fall in the padding. */
static void im2col(const Geometry *g, const float *x, size_t r0, size_t r1, float *cols) {
  const size_t k = (size_t)g->kh * g->kw * g->ci;
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / ((size_t)g->oh * g->ow);
    const int oy = (int)((r / g->ow) % g->oh), ox = (int)(r % g->ow);
    float *row = cols + (r - r0) * k;
    for (int i = 0; i < g->kh; i++) {
      const int y = oy * g->sh - g->pad_top + i * g->dh;
      for (int j = 0; j < g->kw; j++) {
        const int xx = ox * g->sw - g->pad_left + j * g->dw;
        float *dst = row + ((size_t)i * g->kw + j) * g->ci;
        if (y < 0 || y >= g->h || xx < 0 || xx >= g->w) {
          memset(dst, 0, sizeof(float) * g->ci);
        } else {
          memcpy(dst, x + ((b * g->h + y) * g->w + xx) * g->ci, sizeof(float) * g->ci);
        }
      }
    }
  }
}

/* Adds the patches of rows [r0, r1) in cols back into dx: the transpose of im2col. */
static void col2im(const Geometry *g, const float *cols, size_t r0, size_t r1, float *dx) {
  const size_t k = (size_t)g->kh * g->kw * g->ci;
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / ((size_t)g->oh * g->ow);
    const int oy = (int)((r / g->ow) % g->oh), ox = (int)(r % g->ow);
    const float *row = cols + (r - r0) * k;
    for (int i = 0; i < g->kh; i++) {
      const int y = oy * g->sh - g->pad_top + i * g->dh;
      if (y < 0 || y >= g->h) continue;
      for (int j = 0; j < g->kw; j++) {
        const int xx = ox * g->sw - g->pad_left + j * g->dw;
        if (xx < 0 || xx >= g->w) continue;
        const float *src = row + ((size_t)i * g->kw + j) * g->ci;
        float *dst = dx + ((b * g->h + y) * g->w + xx) * g->ci;
        for (int c = 0; c < g->ci; c++) dst[c] += src[c];
      }
    }
  }
}

/* A 1x1, stride-1, unpadded convolution reads x itself as its column matrix. */
static int is_pointwise(const Geometry *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pad_top == 0 && g->pad_left == 0 && g->oh == g->h && g->ow == g->w;
}

static size_t chunk_rows(size_t k) {
  const size_t rows = SCRATCH_FLOATS / k;
  return rows < 16 ? 16 : rows;
}

enum Pass { FORWARD, BACKPROP_FILTER, BACKPROP_INPUT };

/* conv(pass, a, b, out, geometry): forward (x, W, y), backprop filter (x, dy, dW), backprop input (dy, W, dx). */
static napi_value conv(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  int pass;
  float *a, *b, *out;
  size_t a_len, b_len, out_len;
  Geometry g;
  if (argc != 5 || !get_int(env, args[0], &pass) || !get_floats(env, args[1], &a, &a_len) || !get_floats(env, args[2], &b, &b_len) ||
      !get_floats(env, args[3], &out, &out_len) || !get_geometry(env, args[4], &g)) {
    return fail(env, "conv(pass, a, b, out, geometry): expected an int, three Float32Arrays and an Int32Array of 15 positive sizes");
  }
  const size_t rows = (size_t)g.n * g.oh * g.ow, k = (size_t)g.kh * g.kw * g.ci;
  const size_t x_len = (size_t)g.n * g.h * g.w * g.ci, y_len = rows * g.co, w_len = k * g.co;
  const size_t want_a = pass == BACKPROP_INPUT ? y_len : x_len;
  const size_t want_b = pass == FORWARD ? w_len : pass == BACKPROP_FILTER ? y_len : w_len;
  const size_t want_out = pass == FORWARD ? y_len : pass == BACKPROP_FILTER ? w_len : x_len;
  if (pass < FORWARD || pass > BACKPROP_INPUT) return fail(env, "conv: pass must be 0 (forward), 1 (backprop filter) or 2 (backprop input)");
  if (a_len != want_a || b_len != want_b || out_len != want_out) return fail(env, "conv: array lengths do not match the geometry");
  const int pointwise = is_pointwise(&g);
  const size_t chunk = pointwise ? rows : chunk_rows(k);
  float *cols = pointwise ? NULL : malloc(sizeof(float) * chunk * k);
  if (!pointwise && cols == NULL) return fail(env, "conv: out of memory for the column buffer");
  if (pass == BACKPROP_INPUT) memset(out, 0, sizeof(float) * x_len);
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t r1 = r0 + chunk < rows ? r0 + chunk : rows, m = r1 - r0;
    if (pass == FORWARD) {
      const float *patches = pointwise ? a : cols;
      if (!pointwise) im2col(&g, a, r0, r1, cols);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, g.co, (int)k, 1.0f, patches, (int)k, b, g.co, 0.0f, out + r0 * g.co, g.co);
    } else if (pass == BACKPROP_FILTER) {
      const float *patches = pointwise ? a : cols;
      if (!pointwise) im2col(&g, a, r0, r1, cols);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, g.co, (int)m, 1.0f, patches, (int)k, b + r0 * g.co, g.co, r0 == 0 ? 0.0f : 1.0f, out, g.co);
    } else if (pointwise) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, g.co, 1.0f, a, g.co, b, g.co, 0.0f, out, (int)k);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, g.co, 1.0f, a + r0 * g.co, g.co, b, g.co, 0.0f, cols, (int)k);
      col2im(&g, cols, r0, r1, out);
    }
  }
  free(cols);
  return NULL;
}

/*
 * gemm(a, b, c, batch, m, n, k, transA, transB, aBatches, bBatches): for each of
 * `batch` products, c[i] [m, n] = op(a[i]) . op(b[i]) with a row-major, op a
 * transpose when asked; an operand with one batch is shared by all.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value args[11];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  float *a, *b, *c;
  size_t a_len, b_len, c_len;
  int batch, m, n, k, ta, tb, a_batches, b_batches;
  if (argc != 11 || !get_floats(env, args[0], &a, &a_len) || !get_floats(env, args[1], &b, &b_len) || !get_floats(env, args[2], &c, &c_len) ||
      !get_int(env, args[3], &batch) || !get_int(env, args[4], &m) || !get_int(env, args[5], &n) || !get_int(env, args[6], &k) ||
      !get_int(env, args[7], &ta) || !get_int(env, args[8], &tb) || !get_int(env, args[9], &a_batches) || !get_int(env, args[10], &b_batches)) {
    return fail(env, "gemm(a, b, c, batch, m, n, k, transA, transB, aBatches, bBatches): expected three Float32Arrays and eight ints");
  }
  if (batch <= 0 || m <= 0 || n <= 0 || k <= 0 || (a_batches != 1 && a_batches != batch) || (b_batches != 1 && b_batches != batch)) {
    return fail(env, "gemm: sizes must be positive and each operand has 1 or `batch` matrices");
  }
  const size_t a_size = (size_t)m * k, b_size = (size_t)k * n, c_size = (size_t)m * n;
  if (a_len != a_size * a_batches || b_len != b_size * b_batches || c_len != c_size * batch) return fail(env, "gemm: array lengths do not match the sizes");
  for (int i = 0; i < batch; i++) {
    const float *ai = a + (a_batches == 1 ? 0 : i * a_size), *bi = b + (b_batches == 1 ? 0 : i * b_size);
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, ai, ta ? m : k, bi, tb ? k : n, 0.0f,
                c + i * c_size, n);
  }
  return NULL;
}

/* setThreads(count) -> the thread count OpenBLAS now uses. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, result;
  int count;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc != 1 || !get_int(env, arg, &count) || count < 1) return fail(env, "setThreads(count): expected a positive int");
  openblas_set_num_threads(count);
  napi_create_int32(env, openblas_get_num_threads(), &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"conv", NULL, conv, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

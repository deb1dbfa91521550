/* Fill a strided window with TensorFlow's Philox random streams (docs/tf-mode.md). */
#ifndef VS_TF_FILL_H
#define VS_TF_FILL_H

#include <stdint.h>

#include "fill.h"

/* Like vs_fill, but with TensorFlow's algorithms.  The request's fields mean:
 *   seed    TF's Philox key (word 0 = low 32 bits);
 *   stream  TF's counter words 2 and 3 (words 0 and 1 count the generator's blocks);
 *   dist    VS_UNIFORM, VS_NORMAL or VS_TRUNCATED_NORMAL;
 *   p.affine   floats: output = raw * scale + shift, both operations in the output dtype
 *              (float16: rounded to float16 after each); both representable in it;
 *   p.integer  int32/int64 uniform: min + word % range, or the word when range == 0.
 * Element g (global index) depends only on g's output group, so every window, split and
 * thread count gives the same bits.  Returns the number of threads used. */
int vs_fill_tf(const vs_request *r, int64_t begin, int64_t end, int nthreads);

#endif

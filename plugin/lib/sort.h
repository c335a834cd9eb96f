/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sort.h - the pass's one sort: stable, merge, for the name order of the
 * final BTF (finalize.c) and the id order of sets (resolve.c). Runs that
 * are in order already cost one comparison each, which is most of a
 * kernel's sets and much of its types. Inline, so that each caller's
 * comparison is specialized into it.
 */
#ifndef __BTFIDS_SORT_H
#define __BTFIDS_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Sort @n elements of @size bytes at @base; @tmp has room for @n of them.
 * @before(a, b): a must come before b. Equal elements keep their order.
 */
static inline void btfids_merge_sort(void *base, void *tmp, size_t n, size_t size,
				     bool (*before)(const void *a, const void *b))
{
	char *a = base, *t = tmp;
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	btfids_merge_sort(a, t, mid, size, before);
	btfids_merge_sort(a + mid * size, t, n - mid, size, before);
	if (!before(a + mid * size, a + (mid - 1) * size))
		return;	/* already in order */
	while (i < mid && j < n) {
		size_t from = before(a + j * size, a + i * size) ? j++ : i++;

		memcpy(t + k++ * size, a + from * size, size);
	}
	while (i < mid)
		memcpy(t + k++ * size, a + i++ * size, size);
	/* what is left of the right half is in place already */
	memcpy(a, t, k * size);
}

#endif /* __BTFIDS_SORT_H */

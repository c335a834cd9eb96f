/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bytes.h - the sizes and byte order of what the pass reads and writes:
 * .BTF_ids words and the set layouts of the kernel's <linux/btf_ids.h>.
 *
 *   set:   u32 cnt, then cnt u32 ids             (symbol size 4 + 4 * cnt)
 *   set8:  u32 cnt, u32 flags, then cnt (u32 id, u32 flags) entries
 *                                                (symbol size 8 + 8 * cnt)
 */
#ifndef __BTFIDS_BYTES_H
#define __BTFIDS_BYTES_H

#include <stdbool.h>
#include <linux/types.h>

#define BTFIDS_WORD_SIZE	sizeof(__u32)	/* one BTF id */
#define BTFIDS_SET_ENTRY_SIZE	BTFIDS_WORD_SIZE	/* = the set header's size */
#define BTFIDS_SET8_ENTRY_SIZE	(2 * BTFIDS_WORD_SIZE)	/* = the set8 header's size */

static inline bool btfids_host_is_le(void)
{
	const __u16 one = 1;

	return *(const __u8 *)&one;
}

static inline __u16 btfids_bswap16(__u16 v)
{
	return __builtin_bswap16(v);
}

static inline __u32 btfids_bswap32(__u32 v)
{
	return __builtin_bswap32(v);
}

#endif /* __BTFIDS_BYTES_H */

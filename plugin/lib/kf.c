// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kf.c - the names of the flag bits kf.h defines, for those who print
 * them (btfids dump): a set8 entry's KF_* flags and the set8 header's.
 */
#include "btfids_inspect.h"
#include "kf.h"

/* include/linux/btf.h of Linux 7.3 (7.2 has bits 0-16 alike). */
static const char *const kf_names[32] = {
	[0] = "KF_ACQUIRE", [1] = "KF_RELEASE", [2] = "KF_RET_NULL",
	[5] = "KF_SLEEPABLE", [6] = "KF_DESTRUCTIVE", [7] = "KF_RCU",
	[8] = "KF_ITER_NEW", [9] = "KF_ITER_NEXT", [10] = "KF_ITER_DESTROY",
	[11] = "KF_RCU_PROTECTED", [12] = "KF_FASTCALL", [13] = "KF_ARENA_RET",
	[14] = "KF_ARENA_ARG1", [15] = "KF_ARENA_ARG2", [16] = "KF_IMPLICIT_ARGS",
	[17] = "KF_SPINLOCK_SAFE", [18] = "KF_PERFMON",
};

/* include/linux/btf_ids.h */
static const char *const set8_names[32] = { [0] = "BTF_SET8_KFUNCS" };

_Static_assert(BTFIDS_KF_IMPLICIT_ARGS == 1U << 16 && BTFIDS_KF_FASTCALL == 1U << 12 &&
	       BTFIDS_KF_ARENA_RET == 1U << 13 && BTFIDS_SET8_KFUNCS == 1U << 0,
	       "kf_names[] and set8_names[] follow kf.h's bits");

const char *btfids__kf_flag_name(unsigned int bit)
{
	return bit < 32 ? kf_names[bit] : NULL;
}

const char *btfids__set8_flag_name(unsigned int bit)
{
	return bit < 32 ? set8_names[bit] : NULL;
}

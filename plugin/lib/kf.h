/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kf.h - the facts about kfuncs that the pass and the command share, each
 * defined once: the KF_* flag bits of a set8 entry and the set8 header
 * flag (the kernel's include/linux/btf.h and btf_ids.h), the decl tag and
 * attribute names the kernel's resolve_btfids writes, and the names that
 * make an argument implicit or an arena pointer. kf.c names the flags.
 */
#ifndef __BTFIDS_KF_H
#define __BTFIDS_KF_H

#include <linux/types.h>

/* set8 header flags word */
#define BTFIDS_SET8_KFUNCS	(1U << 0)

/* set8 entry flags word (only the bits the pass acts on) */
#define BTFIDS_KF_FASTCALL	(1U << 12)
#define BTFIDS_KF_ARENA_RET	(1U << 13)
#define BTFIDS_KF_ARENA_ARG1	(1U << 14)
#define BTFIDS_KF_ARENA_ARG2	(1U << 15)
#define BTFIDS_KF_IMPLICIT_ARGS	(1U << 16)

/* Their names (and the set8 header's): btfids__kf_flag_name() in kf.c. */

#define BTFIDS_TAG_KFUNC	"bpf_kfunc"
#define BTFIDS_TAG_FASTCALL	"bpf_fastcall"
#define BTFIDS_ATTR_ARENA	"address_space(1)"
#define BTFIDS_IMPL_SUFFIX	"_impl"

/* Parameter names that mark an arena pointer, whatever the flags say. */
#define BTFIDS_ARENA_SUFFIX		"__arena"
#define BTFIDS_ARENA_NULLABLE_SUFFIX	"__arena__nullable"

/* A pointer to one of these structs (through modifiers) is an implicit argument. */
#define BTFIDS_IMPLICIT_ARG_STRUCT1	"bpf_prog_aux"
#define BTFIDS_IMPLICIT_ARG_STRUCT2	"btf_struct_meta"

/* Does @name end in @suffix? */
static inline int btfids_has_suffix(const char *name, const char *suffix)
{
	size_t n = __builtin_strlen(name), s = __builtin_strlen(suffix);

	return n >= s && !__builtin_strcmp(name + n - s, suffix);
}

static inline int btfids_is_arena_param_name(const char *name)
{
	return name && (btfids_has_suffix(name, BTFIDS_ARENA_SUFFIX) ||
			btfids_has_suffix(name, BTFIDS_ARENA_NULLABLE_SUFFIX));
}

static inline int btfids_is_implicit_arg_struct(const char *name)
{
	return name && (!__builtin_strcmp(name, BTFIDS_IMPLICIT_ARG_STRUCT1) ||
			!__builtin_strcmp(name, BTFIDS_IMPLICIT_ARG_STRUCT2));
}

#endif /* __BTFIDS_KF_H */
